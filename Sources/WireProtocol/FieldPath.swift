/// Where a decoder is in the message being decoded. Spelled out ("enqueue.schedule.platforms[2]")
/// only when an error names a field, so a successful decode builds no path strings.
///
/// Public only because ``WireMessage`` names it.
public enum FieldPath: Sendable {
    /// The top-level message, by its full protobuf name. Not boxed: every decode starts here, so
    /// it must cost no allocation.
    case root(messageName: String)
    /// A field of the parent.
    indirect case field(FieldPath, String)
    /// An element of a repeated field of the parent.
    indirect case element(FieldPath, String, Int)

    /// The path as errors name it, e.g. "enqueue.platforms[1]".
    public var text: String {
        switch self {
        case .root(let messageName): fieldPathRoot(messageName)
        case .field(let parent, let name): "\(parent.text).\(name)"
        case .element(let parent, let name, let index): "\(parent.text).\(name)[\(index)]"
        }
    }
}
