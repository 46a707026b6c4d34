import Foundation
import Testing
@testable import MilletCore

@Suite struct WebhookSignatureTests {
    let signer = WebhookSignature(secret: "whsec_test")
    let body = Array(#"{"eventId":"evt_1"}"#.utf8)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aFreshSignatureVerifies() throws {
        try signer.verify(header: signer.sign(body: body, timestamp: now), body: body, now: now.addingTimeInterval(299))
    }

    @Test func aKnownVectorMatchesHMACSHA256OfTimestampDotBody() {
        // Computed independently: printf '1800000000.{"eventId":"evt_1"}' | openssl dgst -sha256 -hmac whsec_test
        #expect(signer.sign(body: body, timestamp: now) == "t=1800000000,v1=495817a9a72185b1fdaa953264d21c4abd64771c6f4dee062d1a7eb22142b55a")
    }

    @Test func tamperedBodyWrongSecretOldTimestampAndGarbageAreRefused() {
        let header = signer.sign(body: body, timestamp: now)
        #expect(throws: DomainError.self) { try signer.verify(header: header, body: body + [32], now: now) }
        #expect(throws: DomainError.self) { try WebhookSignature(secret: "other").verify(header: header, body: body, now: now) }
        #expect(throws: DomainError.self) { try signer.verify(header: header, body: body, now: now.addingTimeInterval(301)) }
        #expect(throws: DomainError.self) { try signer.verify(header: header, body: body, now: now.addingTimeInterval(-301)) }
        #expect(throws: DomainError.self) { try signer.verify(header: nil, body: body, now: now) }
        #expect(throws: DomainError.self) { try signer.verify(header: "t=abc,v1=zz", body: body, now: now) }
        #expect(throws: DomainError.self) { try signer.verify(header: "t=1800000000,v1=00", body: body, now: now) }
    }
}

@Suite struct LoginThrottleTests {
    @Test func locksAfterTheLimitAndUnlocksAfterTheLockout() {
        var throttle = LoginThrottle(maxFailures: 3, window: 60, lockout: 120)
        let t0 = Date(timeIntervalSince1970: 0)
        throttle.recordFailure("a", now: t0)
        throttle.recordFailure("a", now: t0)
        #expect(throttle.retryAfter("a", now: t0) == nil)
        throttle.recordFailure("a", now: t0)
        #expect(throttle.retryAfter("a", now: t0) == 120)
        #expect(throttle.retryAfter("b", now: t0) == nil)
        #expect(throttle.retryAfter("a", now: t0.addingTimeInterval(121)) == nil)
    }

    @Test func failuresOutsideTheWindowDoNotCount() {
        var throttle = LoginThrottle(maxFailures: 2, window: 60, lockout: 120)
        throttle.recordFailure("a", now: Date(timeIntervalSince1970: 0))
        throttle.recordFailure("a", now: Date(timeIntervalSince1970: 61))
        #expect(throttle.retryAfter("a", now: Date(timeIntervalSince1970: 61)) == nil)
    }
}
