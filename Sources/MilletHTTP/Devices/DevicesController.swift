import Foundation
import Hummingbird
import MilletCore

/// The device protocol: register with the factory secret, check in, download, report installs.
/// Every endpoint but registration takes a device token, and a device token opens nothing else.
struct DevicesController {
    let updates: FirmwareUpdates
    let checkIns: CheckInLoad
    let devices: any DeviceRepository
    let firmware: any FirmwareRepository
    let firmwareFiles: FirmwareFiles
    let markets: any MarketRepository
    /// Check-ins by answer.
    let business: BusinessMetrics

    struct RegistrationBody: Decodable {
        let serial, model, secret, market, channel, version: String
    }

    struct CheckInBody: Decodable {
        let version: String

        /// The body every device sends, `{"version":"…"}` with nothing else, read without a JSON
        /// decoder; any other body goes through `decodeJSON` and its precise 4xx answers.
        static func read(_ request: Request, context: MilletRequestContext) async throws -> CheckInBody {
            try request.requireJSONLabel()
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let prefix = #"{"version":""#.utf8, suffix = #""}"#.utf8
            let plain = buffer.readableBytesView.withContiguousStorageIfAvailable { bytes -> CheckInBody? in
                guard bytes.count > prefix.count + suffix.count, bytes.starts(with: prefix), bytes.reversed().starts(with: suffix.reversed()) else { return nil }
                let value = bytes[prefix.count..<(bytes.count - suffix.count)]
                // Printable ASCII with no quote or backslash: the JSON string is the text itself.
                guard value.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) else { return nil }
                return CheckInBody(version: String(decoding: UnsafeBufferPointer(rebasing: value), as: UTF8.self))
            } ?? nil
            return try plain ?? Request.decodeJSON(CheckInBody.self, from: buffer)
        }
    }

    struct ReportBody: Decodable {
        let rolloutId, version, state: String
        let code: String?
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.post("devices/registrations") { request, context in
            let body = try await request.decodeJSON(RegistrationBody.self, context: context)
            let registration = try DeviceRegistration(
                serial: body.serial, modelId: body.model, secret: body.secret, marketCode: body.market, channel: body.channel, version: body.version)
            _ = try await markets.requireMarket(registration.marketCode)
            let (device, token) = try await updates.register(registration)
            return RegisteredDTO(deviceId: device.id, serial: device.serial, token: token,
                                 nextCheckInSeconds: updates.policy.nextCheckIn(load: 0, random: .random(in: 0..<1)))
                .with(status: .created)
        }
        groups.devices.post("devices/check-in") { request, context in
            let device = try context.requireDevice()
            let body = try await CheckInBody.read(request, context: context)
            let version = try FirmwareVersion.parse(body.version, field: "version")
            return try await checkIns.measure { load in
                let answer = try await updates.checkIn(device, version: version, load: load, random: .random(in: 0..<1))
                business.checkIn(offered: answer.offer != nil)
                return CheckInDTO(answer)
            }
        }
        groups.devices.post("devices/reports") { request, context in
            let device = try context.requireDevice()
            let body = try await request.decodeJSON(ReportBody.self, context: context)
            let version = try FirmwareVersion.parse(body.version, field: "version")
            guard let state = InstallState(rawValue: body.state) else { throw DomainError.invalid(field: "state", "must be downloading, installed or failed") }
            if let code = body.code {
                var check = Validator()
                check.requireLength(code, 1...64, "code", "must be 1 to 64 characters")
                try check.check()
            }
            guard Identifier.isWellFormed(body.rolloutId) else { throw DomainError.notFound(what: "rollout") }
            let (tally, halted) = try await updates.report(try await updates.device(device), rolloutId: body.rolloutId, version: version, state: state, code: body.code)
            return ReportDTO(rolloutId: body.rolloutId, accepted: true, rolloutHalted: halted, installed: tally.installed, failed: tally.failed)
        }
        groups.devices.get("devices/firmware/:sha256") { request, context in
                        let sha = try context.parameters.require("sha256")
            guard sha.count == 64, Secrets.unhex(sha) != nil, let build = try await firmware.build(sha256: sha.lowercased()) else {
                throw DomainError.notFound(what: "firmware image")
            }
            return try await firmwareFiles.response(
                sha256: build.sha256, size: build.size, range: request.headers[.range], context: context)
        }
        groups.open.get("me/devices") { _, context in
            let account = try context.requireAccount()
            let owned = try await devices.devices(ownerAccountId: account.id)
            // Each market and model read once, however many of the fan's devices share it.
            var warrantyMonths: [String: Int] = [:], modelNames: [String: String] = [:]
            for code in Set(owned.map(\.marketCode)) { warrantyMonths[code] = try await markets.requireMarket(code).warrantyMonths }
            for id in Set(owned.map(\.modelId)) { modelNames[id] = try await devices.deviceModel(id: id)?.name ?? id }
            return OwnedDeviceList(items: owned.map { device in
                OwnedDeviceDTO(device, modelName: modelNames[device.modelId] ?? device.modelId, warrantyMonths: warrantyMonths[device.marketCode] ?? 0)
            })
        }
        groups.open.get("devices/keys") { _, _ in
            KeyList(items: try await updates.publishedKeys().map { KeyList.Key(id: $0.id, algorithm: "Ed25519", publicKey: $0.publicKey,
                                                                                        active: $0.retiredAt == nil, createdAt: $0.createdAt) })
        }
    }
}

/// A fan's device: what it runs, and until when its warranty lasts.
struct OwnedDeviceDTO: Encodable, Sendable {
    let id, serial, model, modelName, version, channel: String
    let orderId: String?
    let lastSeenAt, warrantyStartsAt, warrantyEndsAt: Date?

    init(_ device: Device, modelName: String, warrantyMonths: Int) {
        id = device.id
        serial = device.serial
        model = device.modelId
        self.modelName = modelName
        version = device.version
        channel = device.channel.rawValue
        orderId = device.orderId
        lastSeenAt = device.lastSeenAt
        warrantyStartsAt = device.warrantyStartsAt
        warrantyEndsAt = device.warrantyStartsAt.flatMap { Calendar(identifier: .gregorian).date(byAdding: .month, value: warrantyMonths, to: $0) }
    }
}

struct OwnedDeviceList: ResponseEncodable, Sendable {
    let items: [OwnedDeviceDTO]
}

struct RegisteredDTO: ResponseEncodable, Sendable {
    let deviceId, serial, token: String
    let nextCheckInSeconds: Int
}

/// `update` with the signed offer, or `none`; always the next check-in time. Written by hand
/// around the offer's JSON, encoded once when it was signed: the same bytes `JSONEncoder` would
/// write for `{action, rolloutId?, offer?, nextCheckInSeconds}`, at a fraction of the cost.
struct CheckInDTO: ResponseGenerator, Sendable {
    let answer: CheckInAnswer

    init(_ answer: CheckInAnswer) {
        self.answer = answer
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(64 + (answer.offerJSON?.count ?? 0))
        if let offer = answer.offerJSON, let rolloutId = answer.rolloutId {
            buffer.writeString(#"{"action":"update","rolloutId":"\#(rolloutId)","offer":"#)
            buffer.writeBytes(offer)
            buffer.writeString(#","nextCheckInSeconds":\#(answer.nextCheckInSeconds)}"#)
        } else {
            buffer.writeString(#"{"action":"none","nextCheckInSeconds":\#(answer.nextCheckInSeconds)}"#)
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: buffer))
    }
}

struct ReportDTO: ResponseEncodable, Sendable {
    let rolloutId: String
    let accepted, rolloutHalted: Bool
    let installed, failed: Int
}

struct KeyList: ResponseEncodable, Sendable {
    struct Key: ResponseEncodable, Sendable {
        let id, algorithm, publicKey: String
        let active: Bool
        let createdAt: Date
    }

    let items: [Key]
}
