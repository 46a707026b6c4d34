import Foundation

/// A place in a market where fans hand in units and whose couriers collect them from home, up to
/// ``pickupsPerDay`` collections on each working day.
public struct ServiceCentre: Hashable, Sendable, Codable {
    /// Short and stable, for example `madrid-centro`.
    public let id: String
    public let marketCode: String
    public let name: String
    public let address: String
    /// Opening hours as the centre writes them, for example `Mon–Sat 10:00–21:00`.
    public let hours: String
    public let pickupsPerDay: Int
    public let active: Bool
    /// The eco-chain brand that runs it, serving only its own products' cases; `nil` for the
    /// store's own centres, which serve every case.
    public let organisationId: String?

    /// Checks the id (2 to 40 lower-case letters, digits or dashes), the name, address and hours
    /// (1 to 200 characters) and the pickups (0 to 10,000 a day).
    public init(
        id: String, marketCode: String, name: String, address: String, hours: String, pickupsPerDay: Int, active: Bool = true,
        organisationId: String? = nil
    ) throws {
        var check = Validator()
        check.require(ShipmentRequest.isName(id), "id", "must be 2 to 40 lower-case letters, digits or dashes")
        for (field, value) in [("name", name), ("address", address), ("hours", hours)] {
            check.requireLength(value, 1...200, field, "is required (at most 200 characters)")
        }
        check.require((0...10_000).contains(pickupsPerDay), "pickupsPerDay", "must be between 0 and 10000")
        try check.check()
        self.id = id
        self.marketCode = marketCode
        self.name = name.trimmed
        self.address = address.trimmed
        self.hours = hours.trimmed
        self.pickupsPerDay = pickupsPerDay
        self.active = active
        self.organisationId = organisationId
    }

    /// Where a fan is sent with the case, of a market's centres: the repair of a brand's unit goes
    /// to the brand's centres, or to the store's when the brand has none in the market; any other
    /// case (returns and exchanges move the store's money and stock) to the store's.
    public static func serving(_ serviceCase: ServiceCase, among centres: [ServiceCentre]) -> [ServiceCentre] {
        let brands = serviceCase.kind == .repair ? centres.filter { $0.organisationId != nil && $0.organisationId == serviceCase.brandId } : []
        return brands.isEmpty ? centres.filter { $0.organisationId == nil } : brands
    }

    /// The working days (Monday to Friday, UTC) a pickup may be booked for on `now`: from
    /// tomorrow, two weeks ahead.
    public static func pickupDays(from now: Date) -> [String] {
        let calendar = Calendar.utc
        return (1...14).compactMap { offset in
            let day = calendar.date(byAdding: .day, value: offset, to: calendar.startOfDay(for: now))!
            return calendar.isDateInWeekend(day) ? nil : day.utcDay
        }
    }
}

/// One day a centre's couriers can still collect on.
public struct PickupSlot: Hashable, Sendable {
    public let centre: ServiceCentre
    public let day: String
    public let left: Int
}

/// Where service centres and their booked pickups are kept.
public protocol ServiceCentreRepository: Sendable {
    /// The market's centres by name, only active ones unless `includeInactive`.
    func serviceCentres(marketCode: String, includeInactive: Bool) async throws -> [ServiceCentre]
    func serviceCentre(id: String) async throws -> ServiceCentre?
    /// An eco-chain brand's centres in every market, closed ones too, by market and name.
    func serviceCentres(organisationId: String) async throws -> [ServiceCentre]
    /// Creates the centre, or replaces the one with its id run by the same organisation (or both
    /// by the store) in the same market; `false` when the id is another organisation's or market's.
    @discardableResult
    func save(_ centre: ServiceCentre) async throws -> Bool
    /// Pickups booked per day at the centre, for the days asked.
    func pickupsBooked(centreId: String, days: [String]) async throws -> [String: Int]
}

/// The centres every demo market starts with.
public enum DemoServiceCentres {
    public static func centres(marketCode: String) -> [ServiceCentre] {
        let rows: [(String, String, String, String)] = switch marketCode {
        case "CN": [("shenzhen-futian", "深圳福田服务中心", "深圳市福田区深南大道 6008 号", "周一至周日 10:00–21:00"),
                    ("beijing-haidian", "北京海淀服务中心", "北京市海淀区中关村大街 19 号", "周一至周日 10:00–21:00")]
        case "IN": [("bengaluru-mg-road", "Millet Service, MG Road", "12 MG Road, Bengaluru 560001", "Mon–Sat 10:00–20:00"),
                    ("delhi-connaught", "Millet Service, Connaught Place", "N-14 Connaught Place, New Delhi 110001", "Mon–Sat 10:00–20:00")]
        case "ES": [("madrid-centro", "Servicio Millet Madrid Centro", "Calle de Preciados 9, 28013 Madrid", "Lun–Sáb 10:00–21:00")]
        case "GB": [("london-oxford-st", "Millet Service Oxford Street", "300 Oxford Street, London W1C 1DX", "Mon–Sat 10:00–20:00")]
        case "ID": [("jakarta-senayan", "Servis Millet Senayan", "Jl. Asia Afrika 8, Jakarta 10270", "Sen–Min 10:00–21:00")]
        default: []
        }
        return rows.map { try! ServiceCentre(id: $0.0, marketCode: marketCode, name: $0.1, address: $0.2, hours: $0.3, pickupsPerDay: 20) }
    }
}
