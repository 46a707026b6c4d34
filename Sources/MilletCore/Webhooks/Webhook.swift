import Foundation

/// What an outbound webhook can announce.
public enum WebhookEvent: String, Sendable, Codable, CaseIterable {
    case postCreated = "post.created"
    case postStatusChanged = "post.status_changed"
    case commentCreated = "comment.created"
    case releasePublished = "release.published"
    case serviceCaseOpened = "service_case.opened"
    case serviceCaseStatusChanged = "service_case.status_changed"
    case auctionScheduled = "auction.scheduled"
    /// A closed auction's unit offered to a fan: the winner (round 1) or a second chance.
    case auctionOffered = "auction.offered"
    case auctionSold = "auction.sold"
    /// Nobody reached the reserve or took an offer: the unit went back to stock.
    case auctionUnsold = "auction.unsold"
    /// Staff called an auction off before its close.
    case auctionCancelled = "auction.cancelled"
    /// A production batch's ship window moved later; its buyers were told.
    case batchSlipped = "batch.slipped"
    /// A batch was packed: its balance orders are placed.
    case batchPacked = "batch.packed"
    /// A batch's window ended without a slip or packing; its buyers were told.
    case batchLate = "batch.late"
    /// A crowdfunded batch reached its goal by its deadline.
    case campaignFunded = "campaign.funded"
    /// A crowdfunded batch missed its goal: every backer was refunded.
    case campaignFailed = "campaign.failed"
}

/// A receiver staff registered: where to POST, which events, and the secret its signatures use.
public struct WebhookEndpoint: Hashable, Sendable {
    public let id: String
    public let url: String
    public let events: [WebhookEvent]
    /// Signs each delivery like the payment webhooks (`Millet-Signature: t=…,v1=…`).
    public let secret: String
    public let active: Bool
    public let createdAt: Date
    /// The eco-chain brand (a partner organisation) that registered it: it hears only of events
    /// about orders that hold the brand's products. `nil`: the brand's staff, who hear of all.
    public let organisationId: String?

    public init(id: String, url: String, events: [WebhookEvent], secret: String, active: Bool, createdAt: Date, organisationId: String? = nil) {
        self.organisationId = organisationId
        self.id = id
        self.url = url
        self.events = events
        self.secret = secret
        self.active = active
        self.createdAt = createdAt
    }

    /// A new endpoint with a fresh secret; `invalid` unless the URL is http(s) with a host and
    /// at least one event is named.
    public static func register(url: String, events: [String], now: Date, organisationId: String? = nil) throws -> WebhookEndpoint {
        var check = Validator()
        let parsed = URL(string: url)
        check.require(url.count <= 500 && ["http", "https"].contains(parsed?.scheme?.lowercased() ?? "") && !(parsed?.host ?? "").isEmpty,
                      "url", "must be an http or https URL of at most 500 characters")
        // Deliveries are signed with the endpoint's secret and carry no other credentials.
        check.require(parsed?.user == nil && parsed?.password == nil, "url", "must not carry a user name or password")
        let known = events.compactMap(WebhookEvent.init(rawValue:))
        check.require(!events.isEmpty && known.count == events.count, "events",
                      "must name one or more of \(WebhookEvent.allCases.map(\.rawValue).joined(separator: ", "))")
        try check.check()
        let secret = "whsec_" + Secrets.hex(bytes: 24)
        return WebhookEndpoint(
            id: Identifier.make(), url: url, events: Array(Set(known)).sorted { $0.rawValue < $1.rawValue }, secret: secret, active: true,
            createdAt: now, organisationId: organisationId)
    }
}

/// The JSON body of every delivery: the same `id` for one event at every receiver, so a
/// receiver that sees a retry can tell.
public struct WebhookMessage: Codable, Sendable, Equatable {
    public let id: String
    public let event: String
    public let occurredAt: Date
    public let data: [String: String]

    public init(id: String, event: WebhookEvent, occurredAt: Date, data: [String: String]) {
        self.id = id
        self.event = event.rawValue
        self.occurredAt = occurredAt
        self.data = data
    }
}

/// One message waiting for one receiver.
public struct WebhookDelivery: Sendable, Equatable {
    public let id: String
    public let endpointId: String
    public let url: String
    public let secret: String
    public let event: String
    public let body: String
    /// Attempts made before this one.
    public let attempts: Int

    public init(id: String, endpointId: String, url: String, secret: String, event: String, body: String, attempts: Int) {
        self.id = id
        self.endpointId = endpointId
        self.url = url
        self.secret = secret
        self.event = event
        self.body = body
        self.attempts = attempts
    }
}

/// A delivery as the console shows it.
public struct DeliveryRecord: Sendable, Equatable {
    public let id: String
    public let event: String
    public let attempts: Int
    public let createdAt: Date
    public let deliveredAt: Date?
    public let nextAttemptAt: Date?
    /// Set when Millet gave up after ``RetrySchedule/maxAttempts``.
    public let gaveUpAt: Date?
    public let lastError: String?

    public init(id: String, event: String, attempts: Int, createdAt: Date, deliveredAt: Date?, nextAttemptAt: Date?, gaveUpAt: Date?, lastError: String?) {
        self.id = id
        self.event = event
        self.attempts = attempts
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
        self.nextAttemptAt = nextAttemptAt
        self.gaveUpAt = gaveUpAt
        self.lastError = lastError
    }
}

/// When to try a failed delivery again: exponential backoff from ``first``, capped at ``cap``,
/// giving up after ``maxAttempts`` (about two days with the defaults).
public struct RetrySchedule: Sendable, Equatable {
    public var first: TimeInterval
    public var cap: TimeInterval
    public var maxAttempts: Int

    public init(first: TimeInterval = 5, cap: TimeInterval = 3600, maxAttempts: Int = 60) {
        self.first = first
        self.cap = cap
        self.maxAttempts = maxAttempts
    }

    /// The time of the next attempt after `attempts` failed ones, or `nil` to give up.
    public func nextAttempt(afterFailures attempts: Int, now: Date) -> Date? {
        guard attempts < maxAttempts else { return nil }
        let delay = min(cap, first * pow(2, Double(max(0, attempts - 1))))
        return now.addingTimeInterval(delay)
    }
}

/// Registered receivers and the outbox of deliveries. Events enter the outbox in the same
/// transaction as the change they announce, so none is lost.
extension WebhookEvent {
    /// What an eco-chain brand's own receiver may ask for: its products' service cases.
    public static let forBrands: [WebhookEvent] = [.serviceCaseOpened, .serviceCaseStatusChanged]
}

public protocol WebhookRepository: Sendable {
    func addEndpoint(_ endpoint: WebhookEndpoint) async throws
    func endpoints() async throws -> [WebhookEndpoint]
    /// Stops an endpoint and drops what it still had waiting.
    func deactivateEndpoint(id: String, now: Date) async throws
    /// Takes up to `limit` due deliveries for `lease` seconds, so two nodes never send the same one at once.
    func claimDue(now: Date, limit: Int, lease: TimeInterval) async throws -> [WebhookDelivery]
    func markDelivered(id: String, now: Date) async throws
    /// Records a failed attempt; `retryAt` nil means Millet gives up on this delivery.
    func markFailed(id: String, error: String, retryAt: Date?, now: Date) async throws
    func deliveries(endpointId: String, limit: Int) async throws -> [DeliveryRecord]
}

/// Sends one signed POST; answers the HTTP status.
public protocol WebhookTransport: Sendable {
    func post(url: String, body: [UInt8], headers: [(String, String)]) async throws -> Int
}

/// Works through the outbox: signs each due delivery with its endpoint's secret, sends it, and
/// records the outcome; a receiver that is down or answers other than 2xx is tried again later.
public struct WebhookDispatcher: Sendable {
    let repository: any WebhookRepository
    let transport: any WebhookTransport
    let clock: any MilletClock
    let schedule: RetrySchedule

    public init(repository: any WebhookRepository, transport: any WebhookTransport, clock: any MilletClock, schedule: RetrySchedule = RetrySchedule()) {
        self.repository = repository
        self.transport = transport
        self.clock = clock
        self.schedule = schedule
    }

    /// Sends what is due now; answers how many were delivered and how many failed.
    @discardableResult
    public func deliverDue(limit: Int = 50) async throws -> (delivered: Int, failed: Int) {
        let due = try await repository.claimDue(now: clock.now(), limit: limit, lease: 60)
        var delivered = 0
        for delivery in due {
            let body = Array(delivery.body.utf8)
            let headers = [
                ("Content-Type", "application/json"), ("Millet-Event", delivery.event), ("Millet-Delivery", delivery.id),
                ("Millet-Signature", WebhookSignature(secret: delivery.secret).sign(body: body, timestamp: clock.now())),
            ]
            var failure: String?
            do {
                let status = try await transport.post(url: delivery.url, body: body, headers: headers)
                if !(200..<300).contains(status) { failure = "HTTP \(status)" }
            } catch {
                failure = String(describing: error).prefix(300).description
            }
            let now = clock.now()
            if let failure {
                let retryAt = schedule.nextAttempt(afterFailures: delivery.attempts + 1, now: now)
                try await repository.markFailed(id: delivery.id, error: failure, retryAt: retryAt, now: now)
            } else {
                try await repository.markDelivered(id: delivery.id, now: now)
                delivered += 1
            }
        }
        return (delivered, due.count - delivered)
    }
}
