import Foundation
import Hummingbird
import MilletCore

/// The phone services' pages: what crowd-tagged calls do and keep private; a fan's dispute of a
/// number's label (open it, give back the texted code, follow it); and the staff console, where
/// proven disputes are upheld or rejected and verified businesses named.
struct PhonePages {
    let pages: PageKit
    let desk: NumberDesk

    struct DisputeForm: Decodable {
        let number, market, reason: String
    }

    struct CodeForm: Decodable {
        let code: String
    }

    struct DecisionForm: Decodable {
        let decision: String
        let note: String?
    }

    struct BusinessForm: Decodable {
        let number, market: String
        let name: String?
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("phone") { request, context in
            let chrome = try await pages.chrome(request, context)
            return pages.page("phone", ["markets": PhoneNumber.markets], chrome: chrome)
        }
        groups.open.get("phone/disputes/new") { request, context in
            _ = try context.requireAccount()
            return disputeForm(try await pages.chrome(request, context), typed: [:], error: nil)
        }
        groups.open.post("phone/disputes") { request, context in
            let account = try context.requireAccount()
            let form = try await request.decodeForm(DisputeForm.self, context: context)
            do {
                let dispute = try await desk.openDispute(account, number: form.number, market: form.market, reason: form.reason)
                return redirect("/phone/disputes/\(dispute.id)")
            } catch let error as DomainError {
                let typed = ["number": form.number, "market": form.market, "reason": form.reason]
                return disputeForm(try await pages.chrome(request, context), typed: typed, error: error)
            }
        }
        groups.open.get("phone/disputes/:id") { request, context in
            let dispute = try await desk.ownDispute(try context.requireAccount(), id: try context.parameters.require("id"))
            return disputePage(dispute, chrome: try await pages.chrome(request, context), error: nil)
        }
        groups.open.post("phone/disputes/:id/code") { request, context in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            let form = try await request.decodeForm(CodeForm.self, context: context)
            do {
                _ = try await desk.confirm(account, disputeId: id, code: form.code)
                return redirect("/phone/disputes/\(id)")
            } catch let error as DomainError {
                return disputePage(try await desk.ownDispute(account, id: id), chrome: try await pages.chrome(request, context), error: error)
            }
        }
        groups.staff.get("staff/phone") { request, context in
            try await console(try await pages.chrome(request, context), error: nil)
        }
        groups.staff.post("staff/phone/disputes/:id/decision") { request, context in
            let staff = try context.requireAccount()
            let form = try await request.decodeForm(DecisionForm.self, context: context)
            guard ["uphold", "reject"].contains(form.decision) else { throw DomainError.invalid(field: "decision", "must be uphold or reject") }
            _ = try await desk.decide(disputeId: try context.parameters.require("id"), uphold: form.decision == "uphold", staff: "account:\(staff.id)",
                                      note: PageKit.nonEmpty(form.note))
            return redirect("/staff/phone")
        }
        groups.staff.post("staff/phone/businesses") { request, context in
            let form = try await request.decodeForm(BusinessForm.self, context: context)
            do {
                _ = try await desk.setBusiness(number: form.number, market: form.market, name: PageKit.nonEmpty(form.name))
                return redirect("/staff/phone")
            } catch let error as DomainError {
                return try await console(try await pages.chrome(request, context), error: error)
            }
        }
    }

    private func disputeForm(_ chrome: PageChrome, typed: [String: String], error: DomainError?) -> Response {
        let t = pages.strings(chrome.preferences.language)
        var values: [String: Any] = [
            "typed": typed,
            "markets": PhoneNumber.markets.map { ["code": $0, "selected": $0 == (typed["market"] ?? chrome.preferences.marketCode)] },
        ]
        if let error { values["error"] = PageKit.refusal(error, strings: t) }
        return pages.page("phone-dispute-new", values, chrome: chrome, status: error.map { APIError($0).status } ?? .ok)
    }

    private func disputePage(_ dispute: NumberDispute, chrome: PageChrome, error: DomainError?) -> Response {
        let t = pages.strings(chrome.preferences.language)
        var values: [String: Any] = [
            "id": dispute.id, "number": dispute.number.masked, "state": dispute.state.rawValue,
            "stateLabel": t["dispute_state_\(dispute.state.rawValue)"] ?? dispute.state.rawValue,
            "awaitingCode": dispute.state == .awaitingCode, "codeExpires": chrome.format.dateTime(dispute.codeExpiresAt),
            "opened": chrome.format.dateTime(dispute.createdAt),
        ]
        values["note"] = dispute.note
        values["decided"] = dispute.decidedAt.map(chrome.format.dateTime)
        if let error { values["error"] = PageKit.refusal(error, strings: t) }
        return pages.page("phone-dispute", values, chrome: chrome, status: error == nil ? .ok : .unprocessableContent)
    }

    private func console(_ chrome: PageChrome, error: DomainError?) async throws -> Response {
        let t = pages.strings(chrome.preferences.language)
        var rows: [[String: Any]] = []
        // The queue first, oldest first, then the latest decided: disputes never proven do not crowd them out.
        let decided = try await desk.disputes(state: .upheld, limit: 50) + desk.disputes(state: .rejected, limit: 50)
        for dispute in try await desk.disputes(state: .underReview) + decided.sorted(by: { $0.createdAt > $1.createdAt }) {
            let label = try await desk.label(dispute.number)
            var row: [String: Any] = [
                "id": dispute.id, "number": dispute.number.e164, "reason": dispute.reason, "state": dispute.state.rawValue,
                "stateLabel": t["dispute_state_\(dispute.state.rawValue)"] ?? dispute.state.rawValue, "opened": chrome.format.dateTime(dispute.createdAt),
                "underReview": dispute.state == .underReview, "reporters": label?.reporters ?? 0,
                "confidence": String(format: "%.0f%%", Double(label?.confidenceBasisPoints ?? 0) / 100),
            ]
            row["category"] = label?.category.map { t["call_\($0.rawValue)"] ?? $0.rawValue }
            row["note"] = dispute.note
            rows.append(row)
        }
        var values: [String: Any] = [
            "disputes": rows, "empty": rows.isEmpty, "markets": PhoneNumber.markets.map { ["code": $0, "selected": $0 == chrome.preferences.marketCode] },
        ]
        if let error { values["error"] = PageKit.refusal(error, strings: t) }
        return pages.page("staff-phone", values, chrome: chrome, status: error == nil ? .ok : .unprocessableContent)
    }
}
