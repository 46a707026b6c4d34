import Foundation
import Hummingbird
import MilletCore

/// hawkBit's Direct Device Integration API under `/{tenant}/controller/v1/{controllerId}`, for
/// standard update agents (SWUpdate's suricatta is the one tested): the poll, the
/// deployment of the action waiting, feedback on it, the cancellation of an action a rollback
/// stopped, and the artifact download (with `Range`).
/// Agents authenticate with `Authorization: TargetToken <the device's Millet token>`, or with the
/// tenant's `GatewayToken` (a device first seen through it is registered); the controller id is
/// the device's serial. Answers are hawkBit's JSON, links absolute on the
/// store's public URL; errors are Millet's JSON errors.
struct DDIController: Sendable {
    let desk: DDIDesk
    let firmwareFiles: FirmwareFiles
    let checkIns: CheckInLoad
    let business: BusinessMetrics
    let publicURL: String
    let images: ImageFacts

    /// Where every DDI route sits.
    static let root = ":tenant/controller/v1/:controllerId"

    /// Whether a path is one of the DDI routes (they answer JSON errors, take no form token).
    static func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count >= 5 && parts[0].isEmpty && parts[2] == "controller" && parts[3] == "v1"
    }

    func addRoutes(to router: Router<MilletRequestContext>) {
        let ddi = router.group(RouterPath(Self.root))
        ddi.get { request, context in
            let (device, base) = try await authenticated(request, context)
            return try await checkIns.measure { load in
                let poll = try await desk.poll(device, load: load, random: .random(in: 0..<1))
                business.checkIn(offered: poll.action != nil)
                return DDIPollDTO(poll, base: base)
            }
        }
        ddi.get("deploymentBase/:actionId") { request, context in
            let (device, base) = try await authenticated(request, context)
            let action = try await desk.action(device, number: try Self.actionNumber(context))
            let facts = try await images.facts(of: action.build, files: firmwareFiles)
            return DDIDeploymentDTO(action, facts: facts, base: base)
        }
        ddi.post("deploymentBase/:actionId/feedback") { request, context in
            let (device, _) = try await authenticated(request, context)
            let number = try Self.actionNumber(context)
            try await desk.feedback(device, number: number, try await Self.feedback(request, context))
            return Response(status: .ok)
        }
        ddi.get("cancelAction/:actionId") { request, context in
            let (device, _) = try await authenticated(request, context)
            return DDICancelDTO(try await desk.cancelAction(device, number: try Self.actionNumber(context)))
        }
        ddi.post("cancelAction/:actionId/feedback") { request, context in
            let (device, _) = try await authenticated(request, context)
            let number = try Self.actionNumber(context)
            try await desk.cancelFeedback(device, number: number, try await Self.feedback(request, context))
            return Response(status: .ok)
        }
        ddi.put("configData") { request, context in
            let (device, _) = try await authenticated(request, context)
            let body = try await request.decodeJSON(DDIConfigBody.self, context: context)
            guard let mode = DeviceAttributes.Mode(rawValue: body.mode ?? "merge") else {
                throw DomainError.invalid(field: "mode", "must be merge, replace or remove")
            }
            try await desk.configure(device, mode: mode, data: body.data)
            return Response(status: .ok)
        }
        ddi.get("softwaremodules/:moduleId/artifacts/:fileName") { request, context in
            let (device, _) = try await authenticated(request, context)
            let buildId = try context.parameters.require("moduleId")
            let fileName = try context.parameters.require("fileName")
            // Only a build some rollout of the device's model offers it, under its own name, or
            // that name's `.MD5SUM` (the checksum line `md5sum -c` reads).
            guard Identifier.isWellFormed(buildId), let build = try await desk.offeredBuild(id: buildId, to: device) else {
                throw DomainError.notFound(what: "artifact")
            }
            let facts = try await images.facts(of: build, files: firmwareFiles)
            let name = ImageFacts.fileName(of: build, facts.description)
            if fileName == name + ".MD5SUM" {
                let md5 = facts.md5
                return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "\(md5)  \(name)\n")))
            }
            guard fileName == name else { throw DomainError.notFound(what: "artifact") }
            return try await firmwareFiles.response(sha256: build.sha256, size: build.size, range: request.headers[.range], context: context)
        }
    }

    /// The device the request's credential admits under the path's tenant and controller id, and
    /// the absolute URL of its DDI root.
    private func authenticated(_ request: Request, _ context: MilletRequestContext) async throws -> (Device, String) {
        let tenant = try context.parameters.require("tenant"), controllerId = try context.parameters.require("controllerId")
        guard let credential = request.headers[.authorization].flatMap(DDICredential.init(header:)) else { throw DDIDesk.unauthenticated }
        let device = try await desk.device(tenant: tenant, controllerId: controllerId, credential: credential)
        let root = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        return (device, "\(root)/\(Self.escape(tenant))/controller/v1/\(Self.escape(controllerId))")
    }

    /// The feedback a request carries, on a deployment or a cancellation alike.
    private static func feedback(_ request: Request, _ context: MilletRequestContext) async throws -> DDIFeedback {
        let body = try await request.decodeJSON(DDIFeedbackBody.self, context: context)
        return try DDIFeedback(execution: body.status.execution, finished: body.status.result?.finished ?? "none", details: body.status.details ?? [])
    }

    private static func actionNumber(_ context: MilletRequestContext) throws -> Int64 {
        guard let number = Int64(try context.parameters.require("actionId")), number > 0 else { throw DomainError.notFound(what: "action") }
        return number
    }

    /// A path segment as it goes into a link.
    private static func escape(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? segment
    }
}

/// Attributes as agents send them (`configData`); the status SWUpdate adds is not needed.
struct DDIConfigBody: Decodable {
    let mode: String?
    let data: [String: String]
}

/// A feedback message as agents send it; `id` and `time` are not needed (the path names the
/// action) and `progress` is not kept.
struct DDIFeedbackBody: Decodable {
    struct Status: Decodable {
        struct Result: Decodable {
            let finished: String?
        }

        let execution: String
        let result: Result?
        let details: [String]?
    }

    let status: Status
}
