import Foundation
import Hummingbird
import MilletCore

/// The staff console for over-the-air updates: every rollout with its progress, and one
/// rollout's page with what its image says of itself, adoption by version per market, the
/// failure rate over time as a chart, its history, and the buttons that advance, pause, resume, halt or roll it back.
struct RolloutPages {
    let pages: PageKit
    let firmware: any FirmwareRepository
    let devices: any DeviceRepository
    let updates: FirmwareUpdates
    let images: ImageFacts
    let firmwareFiles: FirmwareFiles
    let ddi: DDIDesk

    struct RolloutCommandForm: Decodable {
        let command: String
        let reason, buildId: String?
    }

    func addRoutes(to groups: RouteGroups) {
        groups.staff.get("staff/rollouts") { request, context in
            let chrome = try await pages.chrome(request, context)
            var rows: [[String: Any]] = []
            for rollout in try await firmware.rollouts(modelId: nil) {
                rows.append(try await rolloutValues(rollout, chrome: chrome))
            }
            return pages.page("staff-rollouts", ["rollouts": rows, "empty": rows.isEmpty], chrome: chrome)
        }
        groups.staff.get("staff/rollouts/:id") { request, context in
            let chrome = try await pages.chrome(request, context)
            let rollout = try await pageRollout(context)
            var values = try await rolloutValues(rollout, chrome: chrome)
            let strings = pages.strings(chrome.preferences.language)
            values["chart"] = FailureRateChart.svg(
                try await firmware.reportTimeline(rolloutId: rollout.id), thresholdBasisPoints: rollout.failureThresholdBasisPoints,
                title: strings["rollout_chart_title"] ?? "Installs per minute and failure share")
            let adoption = try await devices.adoption(modelId: rollout.modelId)
            let total = max(1, adoption.reduce(0) { $0 + $1.devices })
            values["adoption"] = Dictionary(grouping: adoption, by: \.marketCode).sorted { $0.key < $1.key }.map { market, counts -> [String: Any] in
                let devices = counts.reduce(0) { $0 + $1.devices }
                return ["market": market, "devices": devices, "versions": counts.sorted { (FirmwareVersion($0.version) ?? FirmwareVersion("0")!) > (FirmwareVersion($1.version) ?? FirmwareVersion("0")!) }
                    .map { ["version": $0.version, "devices": $0.devices, "share": $0.devices * 100 / max(1, devices)] }]
            }
            values["devicesTotal"] = total
            values["image"] = try await imageValues(rollout, strings: strings)
            values["events"] = try await firmware.rolloutEvents(rolloutId: rollout.id).map { event -> [String: Any] in
                ["action": strings["rollout_action_\(event.action)"] ?? event.action, "actor": event.actor, "detail": event.detail ?? "—",
                 "at": chrome.format.dateTime(event.at)]
            }
            values["otherBuilds"] = try await firmware.builds(modelId: rollout.modelId).filter { $0.id != rollout.buildId }
                .map { ["id": $0.id, "version": $0.version] }
            return pages.page("staff-rollout", ["rollout": values], chrome: chrome)
        }
        groups.staff.post("staff/rollouts/:id/commands") { request, context in
            let staff = try context.requireAccount()
            let rollout = try await pageRollout(context)
            let form = try await request.decodeForm(RolloutCommandForm.self, context: context)
            let command = try RolloutCommand(name: form.command, reason: PageKit.nonEmpty(form.reason), buildId: PageKit.nonEmpty(form.buildId))
            _ = try await updates.command(command, rolloutId: rollout.id, actor: "account:\(staff.id)")
            return redirect("/staff/rollouts/\(rollout.id)")
        }
        groups.staff.post("staff/rollouts/:id/cancellations") { _, context in
            let staff = try context.requireAccount()
            let rollout = try await pageRollout(context)
            _ = try await ddi.askToCancel(rolloutId: rollout.id, actor: "account:\(staff.id)")
            return redirect("/staff/rollouts/\(rollout.id)")
        }
    }

    private func pageRollout(_ context: MilletRequestContext) async throws -> Rollout {
        try await firmware.requireRollout(id: try context.parameters.require("id"))
    }

    /// What the rollout's image says of itself (format, version, hardware), and whether its
    /// version differs from the build's: devices that install it report the build's. The page
    /// shows without it when the stored image cannot be read (staff may be here to halt).
    private func imageValues(_ rollout: Rollout, strings: [String: String]) async throws -> [String: Any]? {
        guard let build = try await firmware.build(id: rollout.buildId), let facts = try? await images.facts(of: build, files: firmwareFiles) else {
            return nil
        }
        let said = facts.description
        var values: [String: Any] = ["format": strings["image_format_\(said.format.rawValue)"] ?? said.format.rawValue]
        values["imageVersion"] = said.version
        values["hardware"] = said.hardwareCompatibility.isEmpty ? nil : said.hardwareCompatibility.joined(separator: ", ")
        values["mismatch"] = said.version.map { FirmwareVersion($0) != FirmwareVersion(build.version) } ?? false
        return values
    }

    private func rolloutValues(_ rollout: Rollout, chrome: PageChrome) async throws -> [String: Any] {
        let strings = pages.strings(chrome.preferences.language)
        let tally = try await firmware.tally(rolloutId: rollout.id)
        let build = try await firmware.build(id: rollout.buildId)
        let results = tally.installed + tally.failed
        var values: [String: Any] = [
            "id": rollout.id, "model": rollout.modelId, "version": build?.version ?? "?", "channel": rollout.channel.rawValue,
            "state": rollout.state.rawValue, "stateLabel": strings["rollout_state_\(rollout.state.rawValue)"] ?? rollout.state.rawValue,
            "percent": rollout.percent, "stages": rollout.stages.map { "\($0)%" }.joined(separator: " → "),
            "markets": rollout.markets.isEmpty ? (strings["all_markets"] ?? "all") : rollout.markets.joined(separator: ", "),
            "downloading": tally.downloading, "installed": tally.installed, "failed": tally.failed,
            "failureRate": results == 0 ? "—" : String(format: "%.1f%%", Double(tally.failed) * 100 / Double(results)),
            "threshold": String(format: "%.1f%%", Double(rollout.failureThresholdBasisPoints) / 100), "minReports": rollout.minReports,
            "createdAt": chrome.format.dateTime(rollout.createdAt),
            "canAdvance": rollout.state == .active || rollout.state == .paused, "canPause": rollout.state == .active,
            "canResume": rollout.state == .paused || rollout.state == .halted, "canHalt": rollout.state == .active || rollout.state == .paused,
            "canRollback": rollout.state != .rolledBack,
            "canCancelInstalls": rollout.isStopped && tally.downloading > 0,
        ]
        values["haltReason"] = rollout.haltReason
        return values
    }
}
