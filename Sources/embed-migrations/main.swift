import Foundation

// Build tool of the EmbedMigrations plugin: writes the given .sql files as one Swift array of
// (file name, text), in the order given. Usage: embed-migrations OUTPUT.swift FILE.sql…
let arguments = CommandLine.arguments.dropFirst()
guard let output = arguments.first else {
    FileHandle.standardError.write(Data("usage: embed-migrations OUTPUT.swift FILE.sql…\n".utf8))
    exit(2)
}

/// A raw string delimiter longer than any run of `#` in the text, so no text can end the literal.
func delimiter(for text: String) -> String {
    var longest = 0, run = 0
    for character in text {
        run = character == "#" ? run + 1 : 0
        longest = max(longest, run)
    }
    return String(repeating: "#", count: longest + 1)
}

var swift = "// Generated at build time by Plugins/EmbedMigrations from Sources/Store/Migrations/*.sql.\n"
swift += "extension MigrationFiles {\n    static let embedded: [(file: String, text: String)] = [\n"
for path in arguments.dropFirst() {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let name = URL(fileURLWithPath: path).lastPathComponent
    let hashes = delimiter(for: text)
    swift += "        (\(String(reflecting: name)), \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)),\n"
}
swift += "    ]\n}\n"
do {
    try swift.write(toFile: output, atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("embed-migrations: cannot write \(output): \(error)\n".utf8))
    exit(1)
}
