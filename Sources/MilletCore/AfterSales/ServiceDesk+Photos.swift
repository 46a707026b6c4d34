import Foundation

/// The photos a fan sends with a case.
extension ServiceDesk {
    /// Whether `viewer` may add a photo to the case now: its fan (or staff), while it is open and
    /// has fewer than ``CasePhoto/limit``. Asked before the image is stored.
    public func checkPhotoRoom(caseId: String, viewer: Account) async throws {
        let found = try await serviceCase(id: caseId, viewer: viewer)
        guard !found.status.isTerminal else { throw DomainError.conflict(code: "case_closed", message: "the case is \(found.status.rawValue)") }
        guard found.photos.count < CasePhoto.limit else {
            throw DomainError.conflict(code: "too_many_photos", message: "a case takes at most \(CasePhoto.limit) photos")
        }
    }

    /// Records a stored photo on the case, with a line in its history.
    public func addPhoto(_ photo: CasePhoto, caseId: String, viewer: Account) async throws -> ServiceCase {
        try await checkPhotoRoom(caseId: caseId, viewer: viewer)
        let actor = Self.actor(viewer)
        return try await store.transaction { tx in
            guard let found = try await tx.serviceCase(id: caseId), try await tx.order(id: found.orderId) != nil,
                  let serviceCase = try await tx.serviceCase(id: caseId)
            else { throw DomainError.notFound(what: "service case") }
            // Checked again under the lock: two uploads at once never make a fourth.
            guard !serviceCase.status.isTerminal, serviceCase.photos.count < CasePhoto.limit else {
                throw DomainError.conflict(code: "too_many_photos", message: "a case takes at most \(CasePhoto.limit) photos")
            }
            try await tx.addPhoto(photo, caseId: caseId)
            try await tx.update(serviceCase, adding: CaseTransition(
                from: serviceCase.status, to: serviceCase.status, event: "photo", actor: actor, note: "", at: photo.at))
            return try await tx.serviceCase(id: caseId)!
        }
    }
}
