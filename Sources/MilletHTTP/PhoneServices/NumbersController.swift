import Foundation
import Hummingbird
import MilletCore

/// Crowd-tagged calls over the API: devices report numbers and read labels (by hash prefix, and
/// as a versioned blocklist for their market); a fan disputes a number's label and proves the
/// number with the code texted to it; staff decide disputes and name verified businesses.
struct NumbersController: Sendable {
    let desk: NumberDesk
    let updates: FirmwareUpdates

    struct ReportBody: Decodable {
        let number, category: String
    }

    struct DisputeBody: Decodable {
        let number, market, reason: String
    }

    struct CodeBody: Decodable {
        let code: String
    }

    struct DecisionBody: Decodable {
        let uphold: Bool
        let note: String?
    }

    struct BusinessBody: Decodable {
        let number, market: String
        let name: String?
    }

    func addRoutes(to groups: RouteGroups) {
        groups.devices.post("devices/phone/reports") { request, context in
            let device = try await context.requireRegisteredDevice(updates)
            let body = try await request.decodeJSON(ReportBody.self, context: context)
            let label = try await desk.report(device, number: body.number, category: body.category, clientIP: context.clientIP)
            return NumberReportedDTO(number: label.number.e164, category: body.category, label: ShownLabelDTO(label, hash: label.number.shortHash))
                .with(status: .created)
        }
        groups.devices.get("devices/phone/lookups/:prefix") { _, context in
            _ = try context.requireDevice()
            let labels = try await desk.lookup(prefix: try context.parameters.require("prefix"))
            return LookupAnswer(entries: labels)
        }
        groups.devices.get("devices/phone/blocklist") { request, context in
            let device = try context.requireDevice()
            let (labels, version, more) = try await desk.changes(market: device.marketCode, since: try request.syncedVersion())
            return BlocklistDTO(version: version, more: more, items: labels.map { ShownLabelDTO($0, hash: $0.number.shortHash) })
        }
        groups.open.post("phone/disputes") { request, context in
            let account = try context.requireAccount()
            let body = try await request.decodeJSON(DisputeBody.self, context: context)
            let dispute = try await desk.openDispute(account, number: body.number, market: body.market, reason: body.reason)
            return DisputeDTO(dispute).with(status: .created)
        }
        groups.open.get("phone/disputes/:id") { _, context in
            DisputeDTO(try await desk.ownDispute(try context.requireAccount(), id: try context.parameters.require("id")))
        }
        groups.open.post("phone/disputes/:id/code") { request, context in
            let account = try context.requireAccount()
            let body = try await request.decodeJSON(CodeBody.self, context: context)
            return DisputeDTO(try await desk.confirm(account, disputeId: try context.parameters.require("id"), code: body.code))
        }
        groups.staff.get("staff/phone/disputes") { request, _ in
            let state = try request.uri.queryParameters["state"].map { text -> DisputeState in
                guard let state = DisputeState(rawValue: String(text)) else {
                    throw DomainError.invalid(field: "state", "must be one of \(DisputeState.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return state
            }
            var items: [StaffDisputeDTO] = []
            for dispute in try await desk.disputes(state: state) { items.append(StaffDisputeDTO(dispute, label: try await desk.label(dispute.number))) }
            return StaffDisputeList(items: items)
        }
        groups.staff.post("staff/phone/disputes/:id/decision") { request, context in
            let staff = try context.requireAccount()
            let body = try await request.decodeJSON(DecisionBody.self, context: context)
            let dispute = try await desk.decide(disputeId: try context.parameters.require("id"), uphold: body.uphold, staff: "account:\(staff.id)", note: body.note)
            return StaffDisputeDTO(dispute, label: try await desk.label(dispute.number))
        }
        groups.staff.put("staff/phone/businesses") { request, context in
            let body = try await request.decodeJSON(BusinessBody.self, context: context)
            return StaffLabelDTO(try await desk.setBusiness(number: body.number, market: body.market, name: body.name))
        }
    }
}

extension Request {
    /// A delta's `since`: the version a device got in an earlier answer, 0 when absent; an
    /// integer, so no value traps on its way to `Int64`.
    func syncedVersion() throws -> Int64 {
        guard let text = uri.queryParameters["since"] else { return 0 }
        guard let version = Int64(String(text)) else { throw DomainError.invalid(field: "since", "must be a version from an earlier answer, or 0") }
        return version
    }
}
