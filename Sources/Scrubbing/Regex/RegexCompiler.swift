/// Turns a parsed pattern into Pike VM instructions, refusing programs above the size limit
/// (a counted repetition copies its body, so `(a{1000}){1000}` is caught here, not at match time).
struct RegexCompiler {
    let limit: Int
    var program: [RegexInstruction] = []
    var sets: [RegexCharSet] = []

    init(limit: Int) { self.limit = limit }

    mutating func compile(_ node: RegexNode, groups: Int) throws(RegexSyntaxError) {
        try emit(.save(0))
        try compile(node)
        try emit(.save(1))
        try emit(.match)
    }

    @discardableResult
    private mutating func emit(_ instruction: RegexInstruction) throws(RegexSyntaxError) -> Int {
        guard program.count < limit else { throw RegexSyntaxError("compiled regex exceeds size limit of \(limit) instructions") }
        program.append(instruction)
        return program.count - 1
    }

    private mutating func compile(_ node: RegexNode) throws(RegexSyntaxError) {
        switch node {
        case .empty:
            break
        case .scalar(let scalar, let caseInsensitive):
            if caseInsensitive, !RegexCharSet.caseVariants(scalar).isEmpty {
                sets.append(RegexCharSet(items: [.range(scalar.value, scalar.value)], caseInsensitive: true))
                try emit(.set(sets.count - 1))
            } else {
                try emit(.scalar(scalar.value))
            }
        case .set(let set):
            sets.append(set)
            try emit(.set(sets.count - 1))
        case .any(let dotAll):
            try emit(.any(dotAll: dotAll))
        case .concat(let items):
            for item in items { try compile(item) }
        case .alternation(let branches):
            // split L1, next; L1: branch; jump end; next: split …
            var jumps: [Int] = []
            for (offset, branch) in branches.enumerated() {
                if offset < branches.count - 1 {
                    let split = try emit(.split(0, 0))
                    try compile(branch)
                    jumps.append(try emit(.jump(0)))
                    program[split] = .split(split + 1, program.count)
                } else {
                    try compile(branch)
                }
            }
            for jump in jumps { program[jump] = .jump(program.count) }
        case .group(let inner, let capture):
            if let capture { try emit(.save(capture * 2)) }
            try compile(inner)
            if let capture { try emit(.save(capture * 2 + 1)) }
        case .assertion(let assertion):
            try emit(.assert(assertion))
        case .repetition(let inner, let min, let max, let greedy):
            for _ in 0..<min { try compile(inner) }
            if let max {
                // Each optional copy: split body, end.
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(try emit(.split(0, 0)))
                    try compile(inner)
                }
                for split in splits { program[split] = greedy ? .split(split + 1, program.count) : .split(program.count, split + 1) }
            } else {
                let loop = try emit(.split(0, 0))
                try compile(inner)
                try emit(.jump(loop))
                program[loop] = greedy ? .split(loop + 1, program.count) : .split(program.count, loop + 1)
            }
        }
    }
}
