extension Sequence {
    /// The first non-nil result of `transform`, calling it once per element up to that one.
    /// (`lazy.compactMap(f).first` calls `f` twice on the element it returns — once to find it and
    /// again to read it — which for a cache lookup means a second fetch, or nil the second time.)
    func firstNonNil<Result>(_ transform: (Element) throws -> Result?) rethrows -> Result? {
        for element in self {
            if let result = try transform(element) { return result }
        }
        return nil
    }
}
