// A stand-in for swift-crypto's `Insecure.MD5`, the one Crypto API `Sources/Grouping` uses
// (GroupingHash). swift-crypto builds on BoringSSL, which is impractical to compile in
// build.sh; this is plain RFC 1321 MD5, used only by the fuzz targets.

import Foundation

public enum Insecure {
    public struct MD5 {
        private var state: [UInt32] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476]
        private var pending: [UInt8] = []
        private var length: UInt64 = 0

        public init() {}

        public mutating func update(data: [UInt8]) {
            length &+= UInt64(data.count)
            pending += data
            var start = 0
            while pending.count - start >= 64 {
                compress(pending[start..<start + 64])
                start += 64
            }
            pending.removeFirst(start)
        }

        public func finalize() -> [UInt8] {
            var copy = self
            let bits = length &* 8
            var tail: [UInt8] = [0x80]
            while (pending.count + tail.count) % 64 != 56 { tail.append(0) }
            for shift in stride(from: 0, to: 64, by: 8) { tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
            copy.length = 0
            copy.update(data: tail)
            return copy.state.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> UInt32($0 * 8)) } }
        }

        private static let shifts: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]
        private static let constants: [UInt32] = (0..<64).map { UInt32(truncatingIfNeeded: Int64((abs(sin(Double($0 + 1))) * 4_294_967_296).rounded(.down))) }

        private mutating func compress(_ block: ArraySlice<UInt8>) {
            let base = block.startIndex
            let words = (0..<16).map { index -> UInt32 in
                (0..<4).reduce(UInt32(0)) { $0 | UInt32(block[base + index * 4 + $1]) << UInt32($1 * 8) }
            }
            var (a, b, c, d) = (state[0], state[1], state[2], state[3])
            for round in 0..<64 {
                var f: UInt32
                let g: Int
                switch round {
                case 0..<16: f = (b & c) | (~b & d); g = round
                case 16..<32: f = (d & b) | (~d & c); g = (5 * round + 1) % 16
                case 32..<48: f = b ^ c ^ d; g = (3 * round + 5) % 16
                default: f = c ^ (b | ~d); g = (7 * round) % 16
                }
                f = f &+ a &+ Self.constants[round] &+ words[g]
                a = d; d = c; c = b
                let shift = Self.shifts[(round / 16) * 4 + round % 4]
                b = b &+ (f << shift | f >> (32 - shift))
            }
            state[0] &+= a; state[1] &+= b; state[2] &+= c; state[3] &+= d
        }
    }
}
