/// Equality of secrets (codes, signatures, tokens) in time that does not depend on where the
/// first difference is, so timing tells an attacker nothing about how close a guess was.
public enum ConstantTime {
    public static func equal(_ left: some Collection<UInt8>, _ right: some Collection<UInt8>) -> Bool {
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    public static func equal(_ left: String, _ right: String) -> Bool {
        equal(Array(left.utf8), Array(right.utf8))
    }
}
