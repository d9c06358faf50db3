/// The seed's `TIMEZONE_GROUPS`: common zones grouped by region for pickers.
///
/// Every identifier here exists in tzdata (checked by a test); the full list is
/// ``TimeZoneDatabase/allIdentifiers()``.
public enum TimeZoneGroups {
    public static let all: [(region: String, zones: [String])] = [
        (
            "North America",
            [
                "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix",
                "America/Anchorage", "Pacific/Honolulu", "America/Toronto", "America/Vancouver", "America/Edmonton",
                "America/Winnipeg", "America/Halifax", "America/St_Johns", "America/Mexico_City",
            ]
        ),
        (
            "Europe",
            [
                "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Madrid",
                "Europe/Rome", "Europe/Amsterdam", "Europe/Brussels", "Europe/Zurich", "Europe/Stockholm",
                "Europe/Oslo", "Europe/Warsaw", "Europe/Athens", "Europe/Helsinki", "Europe/Istanbul", "Europe/Kyiv",
                "Europe/Moscow",
            ]
        ),
        (
            "Asia Pacific",
            [
                "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dhaka", "Asia/Bangkok",
                "Asia/Jakarta", "Asia/Singapore", "Asia/Hong_Kong", "Asia/Shanghai", "Asia/Taipei", "Asia/Manila",
                "Asia/Seoul", "Asia/Tokyo", "Australia/Perth", "Australia/Adelaide", "Australia/Brisbane",
                "Australia/Sydney", "Australia/Melbourne", "Pacific/Auckland",
            ]
        ),
        (
            "South America",
            [
                "America/Sao_Paulo", "America/Argentina/Buenos_Aires", "America/Santiago", "America/Bogota",
                "America/Lima", "America/Caracas", "America/Montevideo",
            ]
        ),
        (
            "Africa",
            [
                "Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi", "Africa/Casablanca",
                "Africa/Accra", "Africa/Algiers", "Africa/Addis_Ababa",
            ]
        ),
        ("UTC", ["UTC"]),
    ]
}
