import Foundation

/// A ZIP archive of stored (uncompressed) entries: ad images are already compressed, so
/// deflating them again costs time and saves nothing. Enough of the format for any unzip tool:
/// local headers, the central directory and its end record, CRC-32 per entry.
struct ZipWriter {
    private var body = Data()
    private var directory = Data()
    private var count: UInt16 = 0

    struct TooLarge: Error {}

    mutating func add(name: String, data: Data, modified: Date) throws {
        // Without ZIP64, sizes and offsets are 32-bit: refuse rather than write a broken archive.
        guard data.count < Int(UInt32.max) / 2, body.count < Int(UInt32.max) / 2, count < UInt16.max else { throw TooLarge() }
        let nameBytes = Data(name.utf8)
        let crc = Self.crc32(data)
        let offset = UInt32(body.count)
        let (time, date) = Self.dosTime(modified)
        var local = Data()
        local.append(le32: 0x0403_4B50)
        local.append(le16: 20); local.append(le16: 0x0800); local.append(le16: 0)  // version, UTF-8 names, stored
        local.append(le16: time); local.append(le16: date)
        local.append(le32: crc); local.append(le32: UInt32(data.count)); local.append(le32: UInt32(data.count))
        local.append(le16: UInt16(nameBytes.count)); local.append(le16: 0)
        body.append(local); body.append(nameBytes); body.append(data)

        directory.append(le32: 0x0201_4B50)
        directory.append(le16: 20); directory.append(le16: 20); directory.append(le16: 0x0800); directory.append(le16: 0)
        directory.append(le16: time); directory.append(le16: date)
        directory.append(le32: crc); directory.append(le32: UInt32(data.count)); directory.append(le32: UInt32(data.count))
        directory.append(le16: UInt16(nameBytes.count)); directory.append(le16: 0); directory.append(le16: 0)
        directory.append(le16: 0); directory.append(le16: 0); directory.append(le32: 0); directory.append(le32: offset)
        directory.append(nameBytes)
        count += 1
    }

    func finish() -> Data {
        var end = Data()
        end.append(le32: 0x0605_4B50)
        end.append(le16: 0); end.append(le16: 0); end.append(le16: count); end.append(le16: count)
        end.append(le32: UInt32(directory.count)); end.append(le32: UInt32(body.count)); end.append(le16: 0)
        return body + directory + end
    }

    static func dosTime(_ date: Date) -> (UInt16, UInt16) {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        let year = max(1980, min(2107, c.year ?? 1980))
        let time = UInt16((c.hour ?? 0) << 11 | (c.minute ?? 0) << 5 | (c.second ?? 0) / 2)
        let day = UInt16((year - 1980) << 9 | (c.month ?? 1) << 5 | (c.day ?? 1))
        return (time, day)
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { c, _ in c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }

    static func crc32(_ data: Data) -> UInt32 {
        ~data.reduce(~UInt32(0)) { crc, byte in crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    }
}

extension Data {
    mutating func append(le16 value: UInt16) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
    mutating func append(le32 value: UInt32) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
}
