import Artifacts
import Testing

/// The pure parsers of uploads: the bounded ZIP reader against good and hostile archives, the
/// bundle manifest, digests and debug IDs, debug file sniffing.
@Suite struct ArtifactParsingTests {
    /// The kind of `ArtifactError` the body throws; nil when it throws nothing (or something else).
    static func kind(_ body: () throws -> Void) -> ArtifactError.Kind? {
        do {
            try body()
            return nil
        } catch let error as ArtifactError {
            return error.kind
        } catch {
            return nil
        }
    }

    @Test func readsStoredAndDeflatedEntriesBehindASourceBundleHeader() throws {
        var zip = TestZip()
        zip.prefix = Array("SYSB".utf8) + [2, 0, 0, 0]
        zip.add("manifest.json", #"{"files":{"files/_/_/app.min.js":{"url":"~/app.min.js","type":"minified_source","headers":{"debug-id":"C0FFEE00-1111-2222-3333-444455556666","Sourcemap":"app.min.js.map"}}},"release":"web@1","dist":"7"}"#)
        zip.add("files/_/_/app.min.js", String(repeating: "function a(){return 1}\n", count: 200), deflate: true)
        let archive = try ZipArchive(zip.bytes())
        #expect(archive.entries.map(\.name) == ["manifest.json", "files/_/_/app.min.js"])
        let source = try archive.contents(of: try #require(archive.entry(named: "files/_/_/app.min.js")))
        #expect(source == Array(String(repeating: "function a(){return 1}\n", count: 200).utf8))
        let manifest = try BundleManifest(try archive.contents(of: try #require(archive.entry(named: "manifest.json"))))
        #expect(manifest.release == "web@1")
        #expect(manifest.dist == "7")
        #expect(manifest.files == [.init(path: "files/_/_/app.min.js", url: "~/app.min.js", kind: "minified_source",
                                         debugID: "c0ffee00-1111-2222-3333-444455556666", sourceMap: "app.min.js.map")])
    }

    @Test func readsAttributesNestedUnderAttributes() throws {
        let manifest = try BundleManifest(Array(#"{"files":{},"attributes":{"release":"r2","bundle_id":"0a0b0c0d0e0f10111213141516171819"}}"#.utf8))
        #expect(manifest.release == "r2")
        #expect(manifest.bundleID == "0a0b0c0d-0e0f-1011-1213-141516171819")
        #expect(manifest.dist == nil)
        #expect(Self.kind { _ = try BundleManifest(Array("[1]".utf8)) } == .malformed)
    }

    @Test func refusesUnsafeNames() {
        for name in ["../etc/passwd", "/abs.js", "a/../../b", "C:/windows.js", "a\\..\\b", "bad\u{0}name"] {
            var zip = TestZip()
            zip.add(name, "x")
            #expect(Self.kind { _ = try ZipArchive(zip.bytes()) } == .unsafePath)
        }
    }

    @Test func refusesBombsByDeclaredAndActualSize() throws {
        // Declared larger than the entry limit: refused before anything is inflated.
        var declared = TestZip()
        declared.entries.append(.init(name: "big.js", data: Array(repeating: 0x61, count: 100), deflate: true, declaredSize: 10_000_000))
        #expect(Self.kind { _ = try ZipArchive(declared.bytes(), limits: ZipLimits(maxEntryBytes: 1_000_000)) } == .tooLarge)
        // Declared small, inflating to more: stopped at the declared size.
        var lying = TestZip()
        lying.entries.append(.init(name: "bomb.js", data: Array(repeating: 0x61, count: 500_000), deflate: true, declaredSize: 1_000))
        let archive = try ZipArchive(lying.bytes())
        #expect(Self.kind { _ = try archive.contents(of: archive.entries[0]) } == .tooLarge)
        // Many entries, each small: the total is bounded too.
        var many = TestZip()
        for index in 0..<20 { many.entries.append(.init(name: "f\(index)", data: Array(repeating: 0x62, count: 1_000), deflate: true)) }
        #expect(Self.kind { _ = try ZipArchive(many.bytes(), limits: ZipLimits(maxEntryBytes: 10_000, maxTotalBytes: 5_000)) } == .tooLarge)
        #expect(Self.kind { _ = try ZipArchive(many.bytes(), limits: ZipLimits(maxEntries: 10)) } == .tooLarge)
    }

    @Test func refusesCorruptAndTruncatedArchives() throws {
        var zip = TestZip()
        zip.add("a.js", String(repeating: "abc", count: 100), deflate: true)
        let bytes = zip.bytes()
        #expect(Self.kind { _ = try ZipArchive(Array(bytes.prefix(bytes.count - 5))) } == .malformed)
        #expect(Self.kind { _ = try ZipArchive(Array(bytes.suffix(30))) } == .malformed)
        #expect(Self.kind { _ = try ZipArchive([]) } == .malformed)
        var badCRC = TestZip()
        badCRC.entries.append(.init(name: "a.js", data: Array("hello".utf8), crc: 1234))
        let archive = try ZipArchive(badCRC.bytes())
        #expect(Self.kind { _ = try archive.contents(of: archive.entries[0]) } == .malformed)
        // Every truncation of a valid archive is an error or a valid read, never a trap.
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            var damaged = bytes
            damaged[cut] ^= 0xFF
            if let archive = try? ZipArchive(damaged) { for entry in archive.entries { _ = try? archive.contents(of: entry) } }
        }
    }

    @Test func digestsAndDebugIDs() {
        #expect(ChunkDigest.sha1(Array("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(ChunkDigest.parse("A9993E364706816ABA3E25717850C26C9CD0D89D") == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(ChunkDigest.parse("a9993e36") == nil)
        #expect(ChunkDigest.parse("../../../../../../../../../../etc/passwd") == nil)
        #expect(DebugID.normalized("{C0FFEE00-1111-2222-3333-444455556666}") == "c0ffee00-1111-2222-3333-444455556666")
        #expect(DebugID.normalized("c0ffee00111122223333444455556666a") == "c0ffee00-1111-2222-3333-444455556666")
        #expect(DebugID.normalized("not-a-debug-id") == nil)
    }

    @Test func sniffsDebugFileKinds() {
        #expect(DebugFileKind.sniff([0x7F, 0x45, 0x4C, 0x46, 2, 1][...], name: "libapp.so") == .elf)
        #expect(DebugFileKind.sniff([0xCF, 0xFA, 0xED, 0xFE][...], name: "App") == .macho)
        #expect(DebugFileKind.sniff(Array("MODULE Linux x86_64 ABC app".utf8)[...], name: "app.sym") == .breakpad)
        #expect(DebugFileKind.sniff(Array("com.example.Main -> a:\n".utf8)[...], name: "/proguard/x.txt") == .proguard)
        #expect(DebugFileKind.sniff(Array("hello".utf8)[...], name: "x") == .unknown)
    }
}
