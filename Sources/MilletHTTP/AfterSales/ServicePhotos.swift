import Foundation
import Hummingbird
import MilletCore

/// The photos of a service case, for the API and the pages alike: an upload is one JPEG or PNG of
/// at most 5 MB, checked by its first bytes, stored by SHA-256 beside the firmware images and then
/// recorded on the case; only the case's fan and staff can see them.
struct ServicePhotos {
    let desk: ServiceDesk
    let files: FirmwareFiles
    let clock: any MilletClock

    /// Stores the request's body as a photo of the case and answers the case.
    func upload(_ request: Request, caseId: String, viewer: Account, context: MilletRequestContext) async throws -> ServiceCase {
        // Refused before the image is read: someone else's case, a closed one, a full one.
        try await desk.checkPhotoRoom(caseId: caseId, viewer: viewer)
        let body = try await request.body.collect(upTo: CasePhoto.maxSize)
        guard let type = CasePhoto.contentType(of: Array(body.readableBytesView.prefix(8))) else {
            throw DomainError.invalid(field: "body", "must be a JPEG or PNG image")
        }
        let stored = try await files.store(RequestBody(buffer: body), context: context)
        return try await desk.addPhoto(
            CasePhoto(sha256: stored.sha256, contentType: type, size: stored.size, at: clock.now()), caseId: caseId, viewer: viewer)
    }

    /// Photo number `n` (from 1) of the case.
    func image(caseId: String, number: String, viewer: Account, context: MilletRequestContext) async throws -> Response {
        try await image(of: try await desk.serviceCase(id: caseId, viewer: viewer), number: number, context: context)
    }

    /// The case's `number`th photo (from 1), to whoever may see the case.
    func image(of found: ServiceCase, number: String, context: MilletRequestContext) async throws -> Response {
        guard let n = Int(number), found.photos.indices.contains(n - 1) else { throw DomainError.notFound(what: "photo") }
        let photo = found.photos[n - 1]
        var response = try await files.response(sha256: photo.sha256, size: photo.size, range: nil, context: context)
        response.headers[.contentType] = photo.contentType
        response.headers[.cacheControl] = "private, max-age=86400"
        return response
    }
}
