/// The words a pre-order's order lines are written with, in the market's language, as the rest of
/// its orders and invoices are.
struct PreorderWords {
    let deposit: String
    let whole: String
    let batchWord: String

    static func of(_ language: String) -> PreorderWords {
        switch language {
        case "es": PreorderWords(deposit: "Depósito de reserva", whole: "Reserva", batchWord: "lote")
        case "hi": PreorderWords(deposit: "प्री-ऑर्डर जमा", whole: "प्री-ऑर्डर", batchWord: "बैच")
        case "id": PreorderWords(deposit: "Deposit pre-order", whole: "Pre-order", batchWord: "batch")
        case "zh-Hans": PreorderWords(deposit: "预订定金", whole: "预订", batchWord: "批次")
        default: PreorderWords(deposit: "Pre-order deposit", whole: "Pre-order", batchWord: "batch")
        }
    }

    /// What the deposit order's line is: the deposit, or the whole price.
    func line(fullPayment: Bool) -> String { fullPayment ? whole : deposit }

    /// "batch 2".
    func batch(_ number: Int) -> String { "\(batchWord) \(number)" }
}
