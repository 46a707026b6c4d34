import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import MilletTesting
import Testing
@testable import MilletHTTP

/// Every route the router registers, called as each kind of caller, against a table of who may
/// reach it. A route added without a line here fails, so nobody adds a staff route that a fan
/// can call by forgetting its guard.
struct RouteRoleTests: HTTPHarness {
    /// Who gets past a route's guards: the route answers anything but 401 or 403.
    enum Reach: String, CaseIterable {
        /// Anyone, logged in or not.
        case anyone
        /// Any logged-in account.
        case signedIn
        case moderators
        case staff
        case admins
        /// Members of a partner organisation, whom none of the callers here is (the partner portal).
        case partnerMembers
        /// No person: a device token (the device routes), a provider's signature (payment and
        /// carrier webhooks) or the metrics token (`/metrics`).
        case machines

        func admits(_ caller: Caller) -> Bool {
            switch (self, caller) {
            case (.anyone, _): true
            case (.signedIn, let caller): caller != .anonymous
            case (.moderators, let caller): caller == .moderator || caller == .staff || caller == .admin
            case (.staff, let caller): caller == .staff || caller == .admin
            case (.admins, let caller): caller == .admin
            case (.machines, _), (.partnerMembers, _): false
            }
        }
    }

    enum Caller: String, CaseIterable {
        case anonymous, fan, moderator, staff, admin
        /// A registered device's token: it opens the routes under `/api/v1/devices/` and nothing else.
        case device
        /// A partner's key: it opens the routes under `/api/v1/partner/` and nothing else (sent as a
        /// page's cookie it is no session).
        case partner
    }

    /// Who should get past the route's guards.
    static func admitted(_ route: String, _ reach: Reach) -> [Caller] {
        Caller.allCases.filter { caller in
            switch caller {
            case .device: route.hasPrefix("/api/v1/devices/")
            // A page reads no partner key: its cookie is no session, so the page sees a visitor.
            case .partner: route.hasPrefix("/api/v1/partner/") || (!route.hasPrefix("/api/") && reach.admits(.anonymous))
            default: reach.admits(caller)
            }
        }
    }

    /// Every route, by method and path as the router names it. Routes that look a thing up before
    /// asking who is calling (`/pay/sandbox/{paymentId}`) answer 404 to a stranger for an id that
    /// names nothing, so they read as `anyone` here; their ownership checks have tests of their own.
    static let table: [String: Reach] = [
        "GET /": .anyone,
        "POST /api/v1/accounts": .anyone,
        "PUT /api/v1/admin/accounts/{id}/role": .admins,
        "GET /api/v1/cart": .signedIn,
        "POST /api/v1/cart/items": .signedIn,
        "DELETE /api/v1/cart/items/{skuId}": .signedIn,
        "PUT /api/v1/cart/items/{skuId}": .signedIn,
        "GET /api/v1/community/boards": .anyone,
        "GET /api/v1/community/boards/{slug}/leaderboard": .anyone,
        "GET /api/v1/community/boards/{slug}/posts": .anyone,
        "POST /api/v1/community/boards/{slug}/posts": .signedIn,
        "GET /api/v1/community/members/{id}": .anyone,
        "GET /api/v1/community/posts/{id}": .anyone,
        "PATCH /api/v1/community/posts/{id}": .signedIn,
        "GET /api/v1/community/posts/{id}/comments": .anyone,
        "POST /api/v1/community/posts/{id}/comments": .signedIn,
        "DELETE /api/v1/community/posts/{id}/follow": .signedIn,
        "GET /api/v1/community/posts/{id}/follow": .signedIn,
        "PUT /api/v1/community/posts/{id}/follow": .signedIn,
        "POST /api/v1/community/posts/{id}/reports": .signedIn,
        "POST /api/v1/community/posts/{id}/votes": .signedIn,
        "GET /api/v1/community/releases": .anyone,
        "GET /api/v1/community/releases/{id}": .anyone,
        "GET /api/v1/community/roadmap": .anyone,
        "GET /api/v1/community/search": .anyone,
        "GET /api/v1/community/similar": .anyone,
        "POST /api/v1/devices/check-in": .machines,
        "GET /api/v1/devices/firmware/{sha256}": .machines,
        "GET /api/v1/devices/keys": .anyone,
        "POST /api/v1/devices/registrations": .anyone,
        "POST /api/v1/devices/reports": .machines,
        "GET /{tenant}/controller/v1/{controllerId}": .machines,
        "PUT /api/v1/staff/ddi/gateway": .staff,
        "GET /api/v1/staff/ddi/gateway": .staff,
        "POST /api/v1/devices/phone/reports": .machines,
        "GET /api/v1/devices/phone/lookups/{prefix}": .machines,
        "GET /api/v1/devices/phone/blocklist": .machines,
        "POST /api/v1/phone/disputes": .signedIn,
        "GET /api/v1/phone/disputes/{id}": .signedIn,
        "POST /api/v1/phone/disputes/{id}/code": .signedIn,
        "GET /api/v1/staff/phone/disputes": .staff,
        "POST /api/v1/staff/phone/disputes/{id}/decision": .staff,
        "PUT /api/v1/staff/phone/businesses": .staff,
        "GET /api/v1/auctions": .anyone,
        "GET /api/v1/auctions/{id}": .anyone,
        "GET /api/v1/auctions/{id}/events": .anyone,
        "POST /api/v1/auctions/{id}/bids": .signedIn,
        "POST /api/v1/auctions/{id}/offer/order": .signedIn,
        "POST /api/v1/auctions/{id}/unique-bids": .signedIn,
        "POST /api/v1/auctions/{id}/offer/decline": .signedIn,
        "POST /api/v1/staff/auctions": .staff,
        "GET /api/v1/batches": .anyone,
        "POST /api/v1/preorders": .signedIn,
        "GET /api/v1/preorders": .signedIn,
        "GET /api/v1/preorders/{id}": .signedIn,
        "POST /api/v1/preorders/{id}/cancel": .signedIn,
        "GET /api/v1/staff/batches": .staff,
        "POST /api/v1/staff/batches": .staff,
        "GET /api/v1/staff/batches/demand": .staff,
        "POST /api/v1/staff/batches/{id}/slip": .staff,
        "POST /api/v1/staff/batches/{id}/pack": .staff,
        "GET /api/v1/staff/batches/{id}/build-list": .staff,
        "GET /api/v1/staff/partners": .staff,
        "POST /api/v1/staff/partners": .staff,
        "GET /api/v1/staff/partners/{id}": .staff,
        "POST /api/v1/staff/partners/{id}/stores": .staff,
        "POST /api/v1/staff/partners/{id}/keys": .staff,
        "POST /api/v1/staff/partners/{id}/keys/{keyId}/revoke": .staff,
        "POST /api/v1/staff/allocations": .staff,
        "POST /api/v1/staff/partners/{id}/members": .staff,
        "DELETE /api/v1/staff/partners/{id}/members/{accountId}": .staff,
        "POST /api/v1/staff/allocations/{id}/return": .staff,
        "GET /api/v1/partner/organisation": .machines,
        "GET /api/v1/partner/stores": .machines,
        "GET /api/v1/partner/stores/{id}": .machines,
        "GET /api/v1/partner/allocations": .machines,
        "GET /api/v1/partner/allocations/{id}": .machines,
        "POST /api/v1/partner/sales": .machines,
        "POST /api/v1/partner/sales/{id}/returns": .machines,
        "PUT /api/v1/partner/prices": .machines,
        "POST /api/v1/partner/products": .machines,
        "GET /api/v1/partner/products": .machines,
        "GET /api/v1/partner/products/{id}": .machines,
        "GET /api/v1/staff/product-reviews": .staff,
        "PUT /api/v1/staff/partners/{id}/commission": .staff,
        "GET /api/v1/staff/partners/{id}/settlement": .staff,
        "GET /api/v1/partner/settlement": .machines,
        "POST /api/v1/partner/device-models": .machines,
        "GET /api/v1/partner/device-models": .machines,
        "POST /api/v1/partner/firmware-builds": .machines,
        "POST /api/v1/partner/rollouts": .machines,
        "GET /api/v1/partner/rollouts": .machines,
        "GET /api/v1/partner/rollouts/{id}": .machines,
        "POST /api/v1/partner/rollouts/{id}/commands": .machines,
        "POST /api/v1/partner/webhooks": .machines,
        "GET /api/v1/partner/webhooks": .machines,
        "DELETE /api/v1/partner/webhooks/{id}": .machines,
        "PUT /api/v1/partner/service-centres/{id}": .machines,
        "GET /api/v1/partner/service-centres": .machines,
        "GET /api/v1/partner/service-cases": .machines,
        "GET /api/v1/partner/service-cases/{id}": .machines,
        "GET /api/v1/partner/service-cases/{id}/photos/{n}": .machines,
        "POST /api/v1/partner/service-cases/{id}/events": .machines,
        "POST /api/v1/staff/product-reviews/{productId}": .staff,
        "POST /api/v1/partner/sellthrough": .machines,
        "POST /api/v1/partner/sellthrough/csv": .machines,
        "GET /api/v1/staff/sellthrough": .staff,
        "GET /api/v1/partner/prices": .machines,
        "GET /api/v1/staff/minimum-prices": .staff,
        "POST /api/v1/staff/minimum-prices": .staff,
        "POST /api/v1/staff/minimum-prices/{id}/end": .staff,
        "GET /api/v1/staff/price-refusals": .staff,
        "GET /api/v1/partner/sales": .machines,
        "GET /api/v1/partner/sales/{id}": .machines,
        "POST /api/v1/waitlist": .signedIn,
        "GET /api/v1/waitlist": .signedIn,
        "DELETE /api/v1/waitlist/{skuId}": .signedIn,
        "GET /api/v1/products/{key}/options": .anyone,
        "GET /api/v1/staff/products/{id}/options": .staff,
        "PUT /api/v1/staff/products/{id}/options": .staff,
        "POST /api/v1/staff/auctions/{id}/cancel": .staff,
        "POST /api/v1/devices/wifi/hotspots": .machines,
        "GET /api/v1/devices/wifi/hotspots": .machines,
        "GET /api/v1/devices/wifi/changes": .machines,
        "POST /api/v1/devices/wifi/hotspots/{id}/connections": .machines,
        "DELETE /api/v1/devices/wifi/hotspots/{id}": .machines,
        "GET /api/v1/me/hotspots": .signedIn,
        "DELETE /api/v1/me/hotspots/{id}": .signedIn,
        "POST /api/v1/staff/ddi/rollouts/{id}/cancellations": .staff,
        "GET /api/v1/staff/ddi/devices/{serial}/attributes": .staff,
        "PUT /{tenant}/controller/v1/{controllerId}/configData": .machines,
        "GET /{tenant}/controller/v1/{controllerId}/deploymentBase/{actionId}": .machines,
        "POST /{tenant}/controller/v1/{controllerId}/deploymentBase/{actionId}/feedback": .machines,
        "GET /{tenant}/controller/v1/{controllerId}/cancelAction/{actionId}": .machines,
        "POST /{tenant}/controller/v1/{controllerId}/cancelAction/{actionId}/feedback": .machines,
        "GET /{tenant}/controller/v1/{controllerId}/softwaremodules/{moduleId}/artifacts/{fileName}": .machines,
        "GET /api/v1/flash-sales": .anyone,
        "GET /api/v1/flash-sales/{id}": .anyone,
        "GET /api/v1/flash-sales/{id}/events": .anyone,
        "POST /api/v1/flash-sales/{id}/purchases": .signedIn,
        "POST /api/v1/flash-sales/{id}/reservations": .signedIn,
        "POST /api/v1/flash-sales/{id}/tokens": .signedIn,
        "GET /api/v1/markets": .anyone,
        "GET /api/v1/markets/{code}": .anyone,
        "GET /api/v1/me": .signedIn,
        "GET /api/v1/me/devices": .signedIn,
        "GET /api/v1/me/inbox": .signedIn,
        "POST /api/v1/me/inbox/{id}/read": .signedIn,
        "GET /api/v1/moderation/log": .moderators,
        "POST /api/v1/moderation/posts/{id}/actions": .moderators,
        "GET /api/v1/moderation/reports": .moderators,
        "GET /api/v1/orders": .signedIn,
        "POST /api/v1/orders": .signedIn,
        "GET /api/v1/orders/{id}": .signedIn,
        "POST /api/v1/orders/{id}/cancel": .signedIn,
        "POST /api/v1/orders/{id}/payments": .signedIn,
        "GET /api/v1/payments/sandbox/refunds": .staff,
        "POST /api/v1/payments/sandbox/webhook": .machines,
        "GET /api/v1/products": .anyone,
        "GET /api/v1/products/{key}": .anyone,
        "POST /api/v1/sessions": .anyone,
        "DELETE /api/v1/sessions/current": .signedIn,
        "POST /api/v1/staff/community/boards": .staff,
        "POST /api/v1/staff/community/boards/{slug}/fcode-grants": .staff,
        "POST /api/v1/staff/community/posts/{id}/status": .staff,
        "POST /api/v1/staff/community/releases": .staff,
        "POST /api/v1/staff/community/releases/{id}/posts": .staff,
        "POST /api/v1/staff/community/releases/{id}/publish": .staff,
        "GET /api/v1/staff/device-models": .staff,
        "POST /api/v1/staff/device-models": .staff,
        "GET /api/v1/staff/device-models/{id}/adoption": .staff,
        "GET /api/v1/staff/firmware-builds": .staff,
        "POST /api/v1/staff/firmware-builds": .staff,
        "POST /api/v1/staff/flash-sales": .staff,
        "POST /api/v1/staff/flash-sales/{id}/fcodes": .staff,
        "GET /api/v1/staff/orders": .staff,
        "POST /api/v1/staff/orders/{id}/events": .staff,
        "POST /api/v1/staff/orders/{id}/refunds": .staff,
        "POST /api/v1/staff/orders/{id}/shipments": .staff,
        "GET /api/v1/orders/{id}/invoices/{invoiceId}/ubl": .signedIn,
        "GET /api/v1/staff/invoices/export": .staff,
        "POST /api/v1/email-verifications": .anyone,
        "POST /api/v1/me/email-verification": .signedIn,
        "PUT /api/v1/me/email": .signedIn,
        "PUT /api/v1/me/password": .signedIn,
        "GET /api/v1/me/message-preferences": .signedIn,
        "PUT /api/v1/me/message-preferences": .signedIn,
        "GET /api/v1/me/notices": .signedIn,
        "POST /api/v1/password-resets": .anyone,
        "POST /api/v1/password-resets/confirm": .anyone,
        "GET /api/v1/admin/sandbox/messages": .admins,
        "GET /api/v1/markets/{code}/shipping-methods": .anyone,
        "GET /api/v1/staff/markets/{code}/shipping-methods": .staff,
        "PUT /api/v1/staff/markets/{code}/shipping-methods/{method}": .staff,
        "GET /api/v1/warranty/{serial}": .signedIn,
        "GET /api/v1/me/warranties": .signedIn,
        "POST /api/v1/service-cases/{id}/photos": .signedIn,
        "GET /api/v1/markets/{code}/spare-parts": .anyone,
        "PUT /api/v1/staff/markets/{code}/spare-parts/{part}": .staff,
        "GET /api/v1/staff/service-centres/{id}/spare-parts": .staff,
        "PUT /api/v1/staff/service-centres/{id}/spare-parts/{part}": .staff,
        "POST /api/v1/staff/service-cases/{id}/quote": .staff,
        "GET /api/v1/markets/{code}/service-plans": .anyone,
        "PUT /api/v1/staff/markets/{code}/service-plans/{plan}": .staff,
        "GET /api/v1/warranty/{serial}/plans": .signedIn,
        "POST /api/v1/warranty/{serial}/plans": .signedIn,
        "POST /api/v1/service-plans/{id}/cancel": .signedIn,
        "GET /api/v1/service-cases/{id}/photos/{n}": .signedIn,
        "POST /api/v1/orders/{id}/returns": .signedIn,
        "POST /api/v1/service-cases": .signedIn,
        "GET /api/v1/me/service-cases": .signedIn,
        "GET /api/v1/service-cases/{id}": .signedIn,
        "POST /api/v1/service-cases/{id}/cancel": .signedIn,
        "GET /api/v1/staff/service-cases": .staff,
        "GET /api/v1/markets/{code}/service-centres": .anyone,
        "GET /api/v1/service-cases/{id}/pickup-slots": .signedIn,
        "POST /api/v1/service-cases/{id}/pickup": .signedIn,
        "PUT /api/v1/staff/service-centres/{id}": .staff,
        "GET /api/v1/staff/pickups": .staff,
        "POST /api/v1/staff/service-cases/{id}/events": .staff,
        "GET /api/v1/staff/markets/{code}/service-rules": .staff,
        "PUT /api/v1/staff/markets/{code}/service-rules/{rule}": .staff,
        "GET /api/v1/orders/{id}/invoices": .signedIn,
        "GET /api/v1/staff/invoices": .staff,
        "POST /api/v1/carriers/{carrier}/webhook": .machines,
        "PUT /api/v1/staff/prices": .staff,
        "GET /api/v1/staff/products": .staff,
        "POST /api/v1/staff/products/{id}/publication": .staff,
        "GET /api/v1/staff/rollouts": .staff,
        "POST /api/v1/staff/rollouts": .staff,
        "GET /api/v1/staff/rollouts/{id}": .staff,
        "POST /api/v1/staff/rollouts/{id}/commands": .staff,
        "GET /api/v1/staff/rollouts/{id}/timeline": .staff,
        "POST /api/v1/staff/signing-keys": .staff,
        "POST /api/v1/staff/signing-keys/{id}/retire": .staff,
        "GET /api/v1/staff/stock": .staff,
        "POST /api/v1/staff/stock/receipts": .staff,
        "GET /api/v1/staff/warehouses": .staff,
        "GET /api/v1/staff/webhooks": .staff,
        "POST /api/v1/staff/webhooks": .staff,
        "DELETE /api/v1/staff/webhooks/{id}": .staff,
        "GET /api/v1/staff/webhooks/{id}/deliveries": .staff,
        "GET /cart": .anyone,
        "POST /cart/items": .anyone,
        "POST /cart/items/{skuId}/remove": .anyone,
        "POST /cart/items/{skuId}/quantity": .anyone,
        "GET /checkout": .signedIn,
        "POST /checkout": .signedIn,
        "GET /community": .anyone,
        "GET /community/boards/{slug}": .anyone,
        "POST /community/boards/{slug}/posts": .signedIn,
        "GET /community/posts/{id}": .anyone,
        "POST /community/posts/{id}/comments": .signedIn,
        "POST /community/posts/{id}/edit": .signedIn,
        "POST /community/posts/{id}/follow": .signedIn,
        "POST /community/posts/{id}/moderate": .moderators,
        "POST /community/posts/{id}/report": .signedIn,
        "POST /community/posts/{id}/status": .staff,
        "POST /community/posts/{id}/vote": .signedIn,
        "GET /community/search": .anyone,
        "GET /health": .anyone,
        "GET /health/live": .anyone,
        "GET /inbox": .signedIn,
        "POST /inbox/{id}/read": .signedIn,
        "GET /login": .anyone,
        "POST /login": .anyone,
        "POST /logout": .anyone,
        "GET /metrics": .machines,
        "GET /moderation": .moderators,
        "GET /openapi.yaml": .anyone,
        "GET /orders": .signedIn,
        "GET /orders/{id}": .signedIn,
        "POST /orders/{id}/cancel": .signedIn,
        "GET /orders/{id}/return": .signedIn,
        "POST /orders/{id}/return": .signedIn,
        "GET /service": .signedIn,
        "POST /service": .signedIn,
        "GET /service/{id}": .signedIn,
        "POST /service/{id}/cancel": .signedIn,
        "GET /warranty": .signedIn,
        "GET /staff/service": .staff,
        "GET /staff/pickups": .staff,
        "POST /service/{id}/pickup": .signedIn,
        "POST /service/{id}/photos": .signedIn,
        "POST /staff/service/{id}/quote": .staff,
        "POST /warranty/{serial}/plans": .signedIn,
        "POST /service-plans/{id}/cancel": .signedIn,
        "GET /service/{id}/photos/{n}": .signedIn,
        "POST /staff/service/{id}/events": .staff,
        "POST /orders/{id}/pay": .signedIn,
        "GET /pay/sandbox/{paymentId}": .anyone,
        "POST /pay/sandbox/{paymentId}": .anyone,
        "GET /preferences": .anyone,
        "GET /products/{slug}": .anyone,
        "GET /register": .anyone,
        "POST /register": .anyone,
        "GET /releases": .anyone,
        "GET /releases/{id}": .anyone,
        "GET /roadmap": .anyone,
        "GET /staff/auctions": .staff,
        "GET /staff/sales": .staff,
        "POST /staff/sales": .staff,
        "POST /staff/sales/{id}/fcodes": .staff,
        "POST /staff/auctions": .staff,
        "GET /preorders/new": .anyone,
        "POST /preorders": .signedIn,
        "GET /preorders": .signedIn,
        "GET /preorders/{id}": .signedIn,
        "POST /preorders/{id}/cancel": .signedIn,
        "GET /staff/batches": .staff,
        "POST /staff/batches": .staff,
        "POST /staff/batches/{id}/slip": .staff,
        "POST /staff/batches/{id}/pack": .staff,
        "GET /staff/batches/{id}/build-list": .staff,
        "POST /waitlist": .signedIn,
        "POST /waitlist/leave": .signedIn,
        "GET /staff/products/{id}/options": .staff,
        "GET /staff/partners": .staff,
        "POST /staff/minimum-prices": .staff,
        "POST /staff/minimum-prices/{id}/end": .staff,
        "POST /staff/partners/{id}/members": .staff,
        "POST /staff/partners/{id}/commission": .staff,
        "POST /staff/product-reviews/{productId}": .staff,
        "POST /staff/partners/{id}/members/{accountId}/remove": .staff,
        "GET /partner": .partnerMembers,
        "POST /partner/sales": .partnerMembers,
        "POST /partner/sales/{id}/returns": .partnerMembers,
        "POST /partner/prices": .partnerMembers,
        "POST /partner/keys": .partnerMembers,
        "POST /partner/keys/{keyId}/revoke": .partnerMembers,
        "POST /partner/service-cases/{id}/events": .partnerMembers,
        "POST /partner/service-centres": .partnerMembers,
        "POST /staff/partners": .staff,
        "GET /staff/partners/{id}": .staff,
        "POST /staff/partners/{id}/stores": .staff,
        "POST /staff/partners/{id}/keys": .staff,
        "POST /staff/partners/{id}/keys/{keyId}/revoke": .staff,
        "POST /staff/partners/{id}/allocations": .staff,
        "POST /staff/partners/{id}/allocations/{allocationId}/return": .staff,
        "POST /staff/products/{id}/options": .staff,
        "POST /staff/auctions/{id}/cancel": .staff,
        "GET /auctions": .anyone,
        "GET /auctions/{id}": .anyone,
        "POST /auctions/{id}/bid": .signedIn,
        "GET /auctions/{id}/bid": .anyone,
        "POST /auctions/{id}/offer": .signedIn,
        "POST /auctions/{id}/unique-bid": .signedIn,
        "GET /auctions/{id}/unique-bid": .anyone,
        "GET /auctions/{id}/offer": .anyone,
        "POST /auctions/{id}/offer/decline": .signedIn,
        "GET /sales": .anyone,
        "GET /sales/{id}": .anyone,
        "POST /sales/{id}/buy": .signedIn,
        "POST /sales/{id}/reserve": .signedIn,
        "POST /sales/{id}/token": .signedIn,
        "GET /staff": .staff,
        "GET /staff/orders": .staff,
        "POST /staff/orders/{id}/events": .staff,
        "POST /staff/orders/{id}/refunds": .staff,
        "POST /staff/orders/{id}/shipments": .staff,
        "GET /orders/{id}/invoices/{invoiceId}": .signedIn,
        "GET /staff/invoices": .staff,
        "GET /account": .signedIn,
        "POST /account/email": .signedIn,
        "POST /account/messages": .signedIn,
        "POST /account/password": .signedIn,
        "POST /account/verification": .signedIn,
        "GET /password-reset": .anyone,
        "POST /password-reset": .anyone,
        "GET /password-reset/{token}": .anyone,
        "POST /password-reset/{token}": .anyone,
        "GET /verify-email": .anyone,
        "POST /verify-email": .anyone,
        "GET /admin/sandbox/messages": .admins,
        "GET /staff/invoices.csv": .staff,
        "POST /staff/orders/{id}/shipments/{shipmentId}/scans": .staff,
        "POST /staff/prices": .staff,
        "GET /staff/products/{id}": .staff,
        "POST /staff/products/{id}/publication": .staff,
        "GET /staff/releases": .staff,
        "POST /staff/releases": .staff,
        "GET /staff/releases/{id}": .staff,
        "POST /staff/releases/{id}/posts": .staff,
        "POST /staff/releases/{id}/publish": .staff,
        "GET /staff/rollouts": .staff,
        "GET /staff/rollouts/{id}": .staff,
        "POST /staff/rollouts/{id}/commands": .staff,
        "POST /staff/rollouts/{id}/cancellations": .staff,
        "GET /phone": .anyone,
        "GET /phone/disputes/new": .signedIn,
        "POST /phone/disputes": .signedIn,
        "GET /phone/disputes/{id}": .signedIn,
        "POST /phone/disputes/{id}/code": .signedIn,
        "GET /staff/phone": .staff,
        "POST /staff/phone/businesses": .staff,
        "POST /staff/phone/disputes/{id}/decision": .staff,
        "POST /staff/stock/receipts": .staff,
    ]

    /// The path with every parameter filled with a well-formed value that names nothing.
    static func concrete(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
            switch part {
            case ":sha256": String(repeating: "0", count: 64)
            case ":slug", ":key": "no-such-thing"
            case ":code": "ZZ"
            default: part.hasPrefix(":") ? Identifier.make() : String(part)
            }
        }.joined(separator: "/")
    }

    @Test func everyRouteAdmitsTheCallersInTheTable() async throws {
        try await withApp { client, services in
            let router = try await buildRouter(services)
            var tokens: [Caller: String] = [:]
            for (caller, email, password) in [(Caller.fan, "fan@millet.test", "millet-fan"), (.moderator, "moderator@millet.test", "millet-moderator"),
                                              (.staff, "staff@millet.test", "millet-staff"), (.admin, "admin@millet.test", "millet-admin")] {
                tokens[caller] = try await logIn(client, email, password)
            }
            let factoryKey = try await client.execute(
                uri: "/api/v1/staff/device-models", method: .post, headers: bearer(tokens[.staff]!),
                body: json(["id": "role-phone", "name": "Role phone", "kind": "phone", "productLine": "phones"])
            ) { try decode($0)["factoryKey"] as! String }
            let model = DeviceModel(id: "role-phone", name: "Role phone", kind: .phone, productLine: "phones", factoryKey: factoryKey, createdAt: Date())
            tokens[.device] = try await client.execute(uri: "/api/v1/devices/registrations", method: .post, body: json([
                "serial": "ROLE-0001", "model": "role-phone", "secret": model.factorySecret(serial: "ROLE-0001"), "market": "IN",
                "channel": "stable", "version": "1.0.0",
            ])) { try decode($0)["token"] as! String }
            let partner = try await client.execute(uri: "/api/v1/staff/partners", method: .post, headers: bearer(tokens[.staff]!),
                                                   body: json(["name": "Role brand", "kind": "eco_brand"])) { try decode($0)["id"] as! String }
            tokens[.partner] = try await client.execute(uri: "/api/v1/staff/partners/\(partner)/keys", method: .post, headers: bearer(tokens[.staff]!),
                                                        body: json(["name": "role", "scopes": PartnerScope.allCases.map(\.rawValue)])) {
                try decode($0)["token"] as! String
            }
            // Logging out ends the session the other routes use, so it goes last.
            let routes = router.routes.map { (method: $0.method, path: $0.path.description) }
                .sorted { ($0.path.hasSuffix("sessions/current") || $0.path == "/logout" ? 1 : 0, $0.path) < ($1.path.hasSuffix("sessions/current") || $1.path == "/logout" ? 1 : 0, $1.path) }
            var missing: [String] = []
            for route in routes {
                let name = "\(route.method) \(route.path)"
                var reached: [Caller] = []
                for caller in Caller.allCases {
                    let api = route.path.hasPrefix("/api/")
                    // A page's visitor carries the form token, as the page's forms do.
                    var headers: HTTPFields = api ? [:] : pageHeaders(session: tokens[caller])
                    if api, let token = tokens[caller] { headers[.authorization] = "Bearer \(token)" }
                    var body: ByteBuffer?
                    if [.post, .put, .patch].contains(route.method) {
                        headers[.contentType] = api ? "application/json" : "application/x-www-form-urlencoded"
                        body = ByteBuffer(string: api ? "{}" : "")
                    }
                    let (status, location) = try await client.execute(uri: Self.concrete(route.path), method: route.method, headers: headers, body: body) {
                        ($0.status, $0.headers[.location] ?? "")
                    }
                    #expect(status != .internalServerError, "\(name) as \(caller)")
                    // A page sends a visitor who must log in to the log-in page.
                    let refused = status == .unauthorized || status == .forbidden || (status == .seeOther && location.hasPrefix("/login"))
                    if !refused { reached.append(caller) }
                }
                guard let expected = Self.table[name] else {
                    missing.append("\"\(name)\": reached by \(reached.map(\.rawValue))")
                    continue
                }
                #expect(reached == Self.admitted(route.path, expected), "\(name) should admit \(expected)")
            }
            #expect(missing.isEmpty, "routes without a line in the table:\n\(missing.joined(separator: "\n"))")
            let registered = Set(routes.map { "\($0.method) \($0.path)" })
            #expect(Set(Self.table.keys).subtracting(registered).isEmpty, "lines for routes no longer registered")
        }
    }
}
