import Foundation
import Hummingbird
import MilletCore

/// An eco-chain brand's devices over the partner API (scope `firmware:write`): it registers its
/// device models, uploads their firmware and rolls it out with the store's over-the-air system,
/// under its own organisation, and pauses, resumes, halts or rolls back its rollouts. Another
/// brand's model, build or rollout is unknown to it, so one brand can never reach another's devices.
struct PartnerFirmwareController {
    let firmware: FirmwareController
    let partners: PartnerDesk

    func addRoutes(to groups: RouteGroups) {
        groups.partners.post("partner/device-models") { request, context in
            let brand = try await brand(context)
            let body = try await request.decodeJSON(FirmwareController.ModelBody.self, context: context)
            guard let kind = DeviceKind(rawValue: body.kind) else {
                throw DomainError.invalid(field: "kind", "must be one of \(DeviceKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let model = try DeviceModel.create(id: body.id, name: body.name, kind: kind, productLine: body.productLine, now: firmware.clock.now(), brandId: brand)
            try await firmware.devices.createModel(model)
            return DeviceModelDTO(model, revealKey: true).with(status: .created)
        }
        groups.partners.get("partner/device-models") { _, context in
            let brand = try await brand(context)
            return DeviceModelList(items: try await firmware.devices.deviceModels().filter { $0.brandId == brand }.map { DeviceModelDTO($0, revealKey: false) })
        }
        groups.partners.post("partner/firmware-builds") { request, context in
            try await firmware.upload(request, context, owner: try await brand(context)).with(status: .created)
        }
        groups.partners.post("partner/rollouts") { request, context in
            try await firmware.startRollout(request, context, owner: try await brand(context)).with(status: .created)
        }
        groups.partners.get("partner/rollouts") { _, context in
            let brand = try await brand(context)
            var items: [RolloutDTO] = []
            for model in try await firmware.devices.deviceModels() where model.brandId == brand {
                for rollout in try await firmware.firmware.rollouts(modelId: model.id) { items.append(try await firmware.rolloutDTO(rollout)) }
            }
            return RolloutList(items: items)
        }
        groups.partners.get("partner/rollouts/:id") { _, context in
            try await firmware.rolloutDTO(try await ownRollout(context, brand: try await brand(context)))
        }
        groups.partners.post("partner/rollouts/:id/commands") { request, context in
            let brand = try await brand(context)
            let rollout = try await ownRollout(context, brand: brand)
            let body = try await request.decodeJSON(FirmwareController.CommandBody.self, context: context)
            let command = try RolloutCommand(name: body.command, reason: body.reason, buildId: body.buildId)
            let changed = try await firmware.updates.command(command, rolloutId: rollout.id, actor: "partner:\(try context.requirePartner().keyId)")
            return try await firmware.rolloutDTO(changed)
        }
    }

    /// One of the brand's rollouts (of its own models); another's, or the store's, is `not_found`.
    private func ownRollout(_ context: MilletRequestContext, brand: String) async throws -> Rollout {
        let rollout = try await firmware.rollout(context)
        guard try await firmware.devices.deviceModel(id: rollout.modelId)?.brandId == brand else { throw DomainError.notFound(what: "rollout") }
        return rollout
    }

    /// The calling eco-chain brand's organisation, with `firmware:write`; `forbidden` for another kind of partner.
    private func brand(_ context: MilletRequestContext) async throws -> String {
        try await partners.ecoBrand(try context.requirePartner(), scope: .firmwareWrite, doing: "runs firmware under its own organisation")
    }
}
