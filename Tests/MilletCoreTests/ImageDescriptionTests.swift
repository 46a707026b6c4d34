import Foundation
import MilletTesting
import Testing
@testable import MilletCore

/// Images say what they are: a SWUpdate image its version and hardware, a RAUC bundle its kind.
struct ImageDescriptionTests {
    func newc(_ entries: [(String, [UInt8])]) -> [UInt8] { CPIOArchive.newc(entries) }

    @Test func aSWUpdateImageGivesItsVersionAndHardware() throws {
        let description = Array(#"{"software":{"version":"1.1.0","hardware-compatibility":["1.0","1.1"],"files":[]}}"#.utf8)
        let image = newc([("sw-description", description), ("sw-description.sig", [1, 2, 3]), ("payload.txt", Array("hello".utf8))])
        #expect(ImageDescription.read(image) == ImageDescription(format: .swupdate, version: "1.1.0", hardwareCompatibility: ["1.0", "1.1"]))
        #expect(ImageDescription.read(image).fileExtension == "swu")
        // A description in libconfig syntax, or cut short, is still a SWUpdate image, saying nothing more.
        #expect(ImageDescription.read(newc([("sw-description", Array("software = { version = \"1.0\"; };".utf8))])) == ImageDescription(format: .swupdate))
        #expect(ImageDescription.read(Array(image.prefix(120))) == ImageDescription(format: .swupdate))
        #expect(ImageDescription.read(newc([("payload.txt", description)])) == ImageDescription(format: .swupdate))
    }

    @Test func aRAUCBundleAndAnythingElseAreKnownByTheirFirstBytes() {
        #expect(ImageDescription.read(Array("hsqs".utf8) + [0, 0, 0]).format == .rauc)
        #expect(ImageDescription.read(Array("hsqs".utf8)).fileExtension == "raucb")
        #expect(ImageDescription.read([0x7f, 0x45, 0x4c, 0x46]) == ImageDescription(format: .raw))
        #expect(ImageDescription.read([]).fileExtension == "bin")
    }
}
