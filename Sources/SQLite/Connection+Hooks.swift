internal import CSQLite

extension Connection {
    /// A row change SQLite is about to make, as the pre-update hook sees it. Use it only during
    /// the hook's call: its values point into SQLite's memory.
    public struct RowChange {
        public enum Kind: Sendable { case insert, update, delete }
        public let kind: Kind
        private let db: OpaquePointer

        init(kind: Kind, db: OpaquePointer) {
            self.kind = kind
            self.db = db
        }

        /// Column `index` (its position in the table's definition) before an update or delete.
        public func old(_ index: Int32) -> ColumnValue {
            precondition(kind != .insert, "an inserted row has no old values")
            var v: OpaquePointer?
            sqlite3_preupdate_old(db, index, &v)
            return ColumnValue(value: v)
        }

        /// Column `index` after an insert or update.
        public func new(_ index: Int32) -> ColumnValue {
            precondition(kind != .delete, "a deleted row has no new values")
            var v: OpaquePointer?
            sqlite3_preupdate_new(db, index, &v)
            return ColumnValue(value: v)
        }
    }

    /// One column value of a ``RowChange``.
    public struct ColumnValue {
        let value: OpaquePointer?

        public var isNull: Bool { value == nil || sqlite3_value_type(value) == SQLITE_NULL }
        public var int64: Int64 { sqlite3_value_int64(value) }

        /// The value's text as UTF-8 bytes (empty for NULL), without copying.
        public func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
            let p = sqlite3_value_text(value)
            let n = Int(sqlite3_value_bytes(value))
            return body(UnsafeBufferPointer(start: p, count: p == nil ? 0 : n))
        }

        /// The value as text ("" for NULL).
        public var string: String { withUTF8 { String(decoding: $0, as: UTF8.self) } }

        /// Whether the value's text is exactly `literal`.
        public func textEquals(_ literal: StaticString) -> Bool {
            withUTF8 { bytes in
                bytes.elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
            }
        }

        /// Whether both values have the same text bytes.
        public func sameText(as other: ColumnValue) -> Bool {
            withUTF8 { a in other.withUTF8 { b in a.elementsEqual(b) } }
        }
    }

    /// Calls `body` before every row SQLite inserts, updates or deletes in `table` of the main
    /// database, whichever statement makes the change (SQLite's pre-update hook). The successor
    /// of a TEMP trigger calling an application function, without its cost: a trigger makes
    /// every statement on the table open a statement journal, and that copies each page it
    /// touches.
    ///
    /// The hook runs inside the statement: it must not use the connection. It sees changes that
    /// a failing statement or a rollback later undoes; the caller keeps track of those (see the
    /// store's occupancy journal). One hook per connection; setting another replaces it.
    public func setPreUpdateHook(table: String, _ body: @escaping (borrowing RowChange) -> Void) throws(SQLiteError) {
        guard let db = handle else { throw SQLiteError(code: .misuse, message: "connection is closed") }
        let box = PreUpdateBox(table: table, body: body)
        sqlite3_preupdate_hook(
            db,
            { context, db, op, database, name, _, _ in
                let box = Unmanaged<PreUpdateBox>.fromOpaque(context!).takeUnretainedValue()
                guard let db,
                    box.table.withUnsafeBufferPointer({ csqlite_is_main_table(database, name, $0.baseAddress!) != 0 })
                else { return }
                let kind: RowChange.Kind
                switch op {
                case SQLITE_INSERT: kind = .insert
                case SQLITE_DELETE: kind = .delete
                default: kind = .update
                }
                box.body(RowChange(kind: kind, db: db))
            }, Unmanaged.passUnretained(box).toOpaque())
        preUpdateBox = box
    }

    /// Unregisters the pre-update hook, if any.
    public func removePreUpdateHook() {
        guard preUpdateBox != nil else { return }
        if let handle { sqlite3_preupdate_hook(handle, nil, nil) }
        preUpdateBox = nil
    }
}

extension Connection {
    /// Calls `body` on this connection's thread after each commit that wrote to the WAL, with the
    /// number of frames the WAL then holds (SQLite's WAL hook). It runs after the write lock is
    /// released and must not use the connection. SQLite's auto-checkpoint is itself a WAL hook:
    /// `PRAGMA wal_autocheckpoint` replaces this one and setting this one replaces it.
    public func setWALHook(_ body: @escaping (_ frames: Int) -> Void) throws(SQLiteError) {
        guard let db = handle else { throw SQLiteError(code: .misuse, message: "connection is closed") }
        let box = WALHookBox(body: body)
        sqlite3_wal_hook(
            db,
            { context, _, _, frames in
                Unmanaged<WALHookBox>.fromOpaque(context!).takeUnretainedValue().body(Int(frames))
                return SQLITE_OK
            }, Unmanaged.passUnretained(box).toOpaque())
        walHookBox = box
    }
}

private final class WALHookBox {
    let body: (Int) -> Void
    init(body: @escaping (Int) -> Void) { self.body = body }
}

private final class PreUpdateBox {
    let table: ContiguousArray<CChar>
    let body: (borrowing Connection.RowChange) -> Void
    init(table: String, body: @escaping (borrowing Connection.RowChange) -> Void) {
        self.table = ContiguousArray(table.utf8CString)
        self.body = body
    }
}
