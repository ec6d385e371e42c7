/// What a debug file uploaded through `debug-files upload` / `upload-proguard` is, by its first
/// bytes. Only ProGuard mappings are used (by the symbolication stage); native files are stored
/// so native teams' CI keeps working, and never read.
public enum DebugFileKind: String, Sendable, CaseIterable {
    case proguard, elf, macho, pe, pdb, breakpad, wasm, sourcebundle, unknown

    public static func sniff(_ head: ArraySlice<UInt8>, name: String) -> DebugFileKind {
        let bytes = Array(head.prefix(64))
        func starts(_ magic: [UInt8]) -> Bool { bytes.starts(with: magic) }
        if starts([0x7F, 0x45, 0x4C, 0x46]) { return .elf }
        if starts([0xCF, 0xFA, 0xED, 0xFE]) || starts([0xCE, 0xFA, 0xED, 0xFE]) || starts([0xCA, 0xFE, 0xBA, 0xBE])
            || starts([0xFE, 0xED, 0xFA, 0xCF]) || starts([0xFE, 0xED, 0xFA, 0xCE]) { return .macho }
        if starts(Array("MZ".utf8)) { return .pe }
        if starts(Array("Microsoft C/C++ MSF 7.00".utf8)) { return .pdb }
        if starts(Array("MODULE ".utf8)) { return .breakpad }
        if starts([0x00, 0x61, 0x73, 0x6D]) { return .wasm }
        if starts(Array("SYSB".utf8)) { return .sourcebundle }
        // sentry-cli names a ProGuard mapping `/proguard/<uuid>.txt`; mapping text starts with
        // comments or `a.b.C -> x:`.
        if name.hasPrefix("/proguard/") || name.hasPrefix("proguard/") { return .proguard }
        if let text = String(validating: bytes, as: UTF8.self),
           text.hasPrefix("# compiler") || text.hasPrefix("# ") && text.contains("->") || text.contains(" -> ") && text.contains(":") {
            return .proguard
        }
        return .unknown
    }
}
