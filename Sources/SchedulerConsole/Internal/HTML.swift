/// HTML text building: every value from outside goes through ``HTML/escape(_:)``.
enum HTML {
    /// Escapes `& < > " '` for text and quoted attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A whole page: the layout with the navigation for `project` (when signed in) around `body`.
    static func page(title: String, project: String?, csrf: String?, active: String = "", body: String) -> String {
        var nav = ""
        if let project {
            let p = FormCoding.escape(project)
            func link(_ name: String, _ label: String) -> String {
                "<a href=\"/projects/\(p)/\(name)\"\(active == name ? " class=\"active\" aria-current=\"page\"" : "")>\(label)</a>"
            }
            nav = """
                <nav>\(link("calendar", "Calendar"))\(link("queue", "Queue"))\(link("schedules", "Schedules"))\
                \(link("schedules/new", "New schedule"))\(link("conflicts", "Conflicts"))\
                <span class="project">project <b>\(escape(project))</b></span>\
                <form method="post" action="/sign-out" class="inline"><input type="hidden" name="csrf" value="\(escape(csrf ?? ""))">\
                <button type="submit" class="link">Sign out</button></form></nav>
                """
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · scheduler console</title>
            <link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/console.css"><script src="/assets/console.js" defer></script>
            \(csrf.map { "<meta name=\"csrf-token\" content=\"\(escape($0))\">" } ?? "")
            </head><body><header><a class="brand" href="/">scheduler console</a>\(nav)</header>
            <main>\(body)</main></body></html>
            """
    }
}
