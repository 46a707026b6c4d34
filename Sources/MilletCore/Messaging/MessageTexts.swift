/// The words of every message in every page language: a subject and a plain-text body with
/// `{placeholders}`, and a short SMS where the notice texts too. English fills a gap.
public enum MessageTexts {
    /// A message as written for one fan.
    public struct Written: Hashable, Sendable {
        public let subject: String
        public let text: String
        public let sms: String
    }

    /// The message of `kind` in `language`, its placeholders filled from `values`.
    public static func write(_ kind: NoticeKind, language: String, _ values: [String: String]) -> Written {
        let entry = texts[kind]?[language] ?? texts[kind]!["en"]!
        let sign = signature[language] ?? signature["en"]!
        return Written(subject: fill(entry.subject, values), text: fill(entry.body, values) + "\n\n" + sign, sms: fill(entry.sms, values))
    }

    /// `template` with each `{name}` replaced by its value.
    public static func fill(_ template: String, _ values: [String: String]) -> String {
        values.reduce(template) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }

    static let signature = [
        "en": "— Millet", "es": "— Millet", "hi": "— Millet", "id": "— Millet", "zh-Hans": "—— Millet",
    ]

    typealias Entry = (subject: String, body: String, sms: String)

    /// A service case's status in words, for messages and pages.
    public static func caseStep(_ status: CaseStatus, language: String) -> String {
        let words = caseSteps[language] ?? caseSteps["en"]!
        return words[CaseStatus.allCases.firstIndex(of: status)!]
    }

    /// In the order of ``CaseStatus/allCases``.
    static let caseSteps: [String: [String]] = [
        "en": ["requested", "approved", "refused", "pickup booked", "handed in at a service centre", "on its way to us", "received",
               "inspected", "refunded", "exchanged", "repaired", "on its way back to you", "closed", "cancelled"],
        "es": ["solicitada", "aprobada", "rechazada", "recogida reservada", "entregada en un servicio técnico", "en camino hacia nosotros",
               "recibida", "revisada", "reembolsada", "cambiada", "reparada", "en camino de vuelta", "cerrada", "cancelada"],
        "hi": ["अनुरोध किया गया", "स्वीकृत", "अस्वीकृत", "पिकअप बुक", "सर्विस सेंटर पर जमा", "हमारे पास आ रहा है", "प्राप्त", "जाँचा गया",
               "रिफ़ंड किया गया", "बदला गया", "मरम्मत हुई", "आपके पास लौट रहा है", "बंद", "रद्द"],
        "id": ["diajukan", "disetujui", "ditolak", "penjemputan dipesan", "diserahkan di pusat servis", "dalam perjalanan ke kami", "diterima",
               "diperiksa", "dana dikembalikan", "ditukar", "diperbaiki", "dalam perjalanan kembali", "ditutup", "dibatalkan"],
        "zh-Hans": ["已申请", "已批准", "已拒绝", "已预约上门取件", "已送至服务网点", "寄回途中", "已签收", "已检测", "已退款", "已换货", "已维修",
                    "已寄回给您", "已完成", "已取消"],
    ]

    static let texts: [NoticeKind: [String: Entry]] = [
        .serviceCaseUpdated: [
            "en": ("Service request {case}: {step}", "Hello {name},\n\nyour service request {case} for order {number} is now: {step}.\n\nFollow it: {link}", ""),
            "es": ("Solicitud de servicio {case}: {step}", "Hola {name}:\n\ntu solicitud de servicio {case} del pedido {number} está ahora: {step}.\n\nSíguela: {link}", ""),
            "hi": ("सेवा अनुरोध {case}: {step}", "नमस्ते {name},\n\nऑर्डर {number} के लिए आपका सेवा अनुरोध {case} अब: {step}।\n\nदेखें: {link}", ""),
            "id": ("Permintaan servis {case}: {step}", "Halo {name},\n\npermintaan servis {case} untuk pesanan {number} sekarang: {step}.\n\nIkuti: {link}", ""),
            "zh-Hans": ("售后申请 {case}：{step}", "{name}，您好：\n\n您订单 {number} 的售后申请 {case} 当前状态：{step}。\n\n查看进度：{link}", ""),
        ],
        .orderPlaced: [
            "en": ("Order {number} placed", "Hello {name},\n\nthank you for your order {number} of {total}. Please pay by {deadline}, or it cancels itself and the units go back on sale.\n\nYour order: {link}", ""),
            "es": ("Pedido {number} realizado", "Hola {name}:\n\ngracias por tu pedido {number} de {total}. Paga antes del {deadline}; si no, se cancela solo y las unidades vuelven a la venta.\n\nTu pedido: {link}", ""),
            "hi": ("ऑर्डर {number} दर्ज हुआ", "नमस्ते {name},\n\nआपके ऑर्डर {number} ({total}) के लिए धन्यवाद। कृपया {deadline} तक भुगतान करें, वरना ऑर्डर अपने आप रद्द हो जाएगा।\n\nआपका ऑर्डर: {link}", ""),
            "id": ("Pesanan {number} dibuat", "Halo {name},\n\nterima kasih atas pesanan {number} sebesar {total}. Bayar sebelum {deadline}, atau pesanan batal otomatis dan unitnya dijual kembali.\n\nPesanan Anda: {link}", ""),
            "zh-Hans": ("订单 {number} 已提交", "{name}，您好：\n\n感谢您的订单 {number}，金额 {total}。请在 {deadline} 前付款，逾期订单将自动取消，商品重新开售。\n\n查看订单：{link}", ""),
        ],
        .orderPaid: [
            "en": ("Payment received for order {number}", "Hello {name},\n\nwe received {total} for order {number}. Your invoice is on the order's page: {link}", ""),
            "es": ("Pago recibido del pedido {number}", "Hola {name}:\n\nhemos recibido {total} por el pedido {number}. Tu factura está en la página del pedido: {link}", ""),
            "hi": ("ऑर्डर {number} का भुगतान मिला", "नमस्ते {name},\n\nऑर्डर {number} के लिए {total} मिल गए। आपका चालान ऑर्डर पेज पर है: {link}", ""),
            "id": ("Pembayaran pesanan {number} diterima", "Halo {name},\n\nkami menerima {total} untuk pesanan {number}. Faktur Anda ada di halaman pesanan: {link}", ""),
            "zh-Hans": ("订单 {number} 已付款", "{name}，您好：\n\n我们已收到订单 {number} 的付款 {total}。凭证见订单页面：{link}", ""),
        ],
        .parcelShipped: [
            "en": ("Order {number} is on its way", "Hello {name},\n\na parcel of order {number} left our warehouse with {carrier}, tracking number {tracking}.\n\nFollow it: {link}", "Millet: order {number} shipped with {carrier}, tracking {tracking}. {link}"),
            "es": ("Tu pedido {number} está en camino", "Hola {name}:\n\nun paquete del pedido {number} ha salido con {carrier}, número de seguimiento {tracking}.\n\nSíguelo: {link}", "Millet: pedido {number} enviado con {carrier}, seguimiento {tracking}. {link}"),
            "hi": ("ऑर्डर {number} रवाना हो गया", "नमस्ते {name},\n\nऑर्डर {number} का पार्सल {carrier} से भेजा गया, ट्रैकिंग नंबर {tracking}।\n\nट्रैक करें: {link}", "Millet: ऑर्डर {number} {carrier} से भेजा गया, ट्रैकिंग {tracking}. {link}"),
            "id": ("Pesanan {number} dalam perjalanan", "Halo {name},\n\nparsel pesanan {number} dikirim dengan {carrier}, nomor resi {tracking}.\n\nLacak: {link}", "Millet: pesanan {number} dikirim dengan {carrier}, resi {tracking}. {link}"),
            "zh-Hans": ("订单 {number} 已发货", "{name}，您好：\n\n订单 {number} 的包裹已交由 {carrier} 配送，运单号 {tracking}。\n\n查看物流：{link}", "Millet：订单 {number} 已由 {carrier} 发出，运单号 {tracking}。{link}"),
        ],
        .orderDelivered: [
            "en": ("Order {number} delivered", "Hello {name},\n\norder {number} was delivered. Your return window and warranty start today.\n\n{link}", "Millet: order {number} delivered. {link}"),
            "es": ("Pedido {number} entregado", "Hola {name}:\n\nel pedido {number} ha sido entregado. Hoy empiezan tu plazo de devolución y tu garantía.\n\n{link}", "Millet: pedido {number} entregado. {link}"),
            "hi": ("ऑर्डर {number} पहुँच गया", "नमस्ते {name},\n\nऑर्डर {number} डिलीवर हो गया। आपकी वापसी अवधि और वारंटी आज से शुरू होती है।\n\n{link}", "Millet: ऑर्डर {number} डिलीवर हुआ. {link}"),
            "id": ("Pesanan {number} telah diterima", "Halo {name},\n\npesanan {number} telah diantar. Masa pengembalian dan garansi Anda dimulai hari ini.\n\n{link}", "Millet: pesanan {number} telah diantar. {link}"),
            "zh-Hans": ("订单 {number} 已签收", "{name}，您好：\n\n订单 {number} 已送达，退货期和保修期从今天开始计算。\n\n{link}", "Millet：订单 {number} 已签收。{link}"),
        ],
        .orderCancelled: [
            "en": ("Order {number} cancelled", "Hello {name},\n\norder {number} was cancelled. If you had paid, the money is on its way back to you.\n\n{link}", ""),
            "es": ("Pedido {number} cancelado", "Hola {name}:\n\nel pedido {number} se ha cancelado. Si lo habías pagado, te devolvemos el importe.\n\n{link}", ""),
            "hi": ("ऑर्डर {number} रद्द", "नमस्ते {name},\n\nऑर्डर {number} रद्द कर दिया गया। यदि आपने भुगतान किया था, तो राशि वापस भेजी जा रही है।\n\n{link}", ""),
            "id": ("Pesanan {number} dibatalkan", "Halo {name},\n\npesanan {number} dibatalkan. Jika sudah dibayar, dana Anda sedang dikembalikan.\n\n{link}", ""),
            "zh-Hans": ("订单 {number} 已取消", "{name}，您好：\n\n订单 {number} 已取消。如已付款，款项将原路退回。\n\n{link}", ""),
        ],
        .refundIssued: [
            "en": ("Refund of {amount} for order {number}", "Hello {name},\n\nwe returned {amount} for order {number} to the way you paid. Your credit note is on the order's page: {link}", ""),
            "es": ("Reembolso de {amount} del pedido {number}", "Hola {name}:\n\nte hemos devuelto {amount} del pedido {number} al medio de pago que usaste. Tu factura rectificativa está en la página del pedido: {link}", ""),
            "hi": ("ऑर्डर {number} का {amount} वापस", "नमस्ते {name},\n\nऑर्डर {number} के {amount} आपके भुगतान के तरीके में वापस भेजे गए। क्रेडिट नोट ऑर्डर पेज पर है: {link}", ""),
            "id": ("Pengembalian dana {amount} untuk pesanan {number}", "Halo {name},\n\nkami mengembalikan {amount} untuk pesanan {number} ke metode pembayaran Anda. Nota retur ada di halaman pesanan: {link}", ""),
            "zh-Hans": ("订单 {number} 已退款 {amount}", "{name}，您好：\n\n订单 {number} 的 {amount} 已原路退回。退款凭证见订单页面：{link}", ""),
        ],
        .saleOpening: [
            "en": ("{sale} opens at {opens}", "Hello {name},\n\nthe sale you reserved, {sale}, opens at {opens}. Be there on time: {link}", "Millet: {sale} opens at {opens}. {link}"),
            "es": ("{sale} empieza a las {opens}", "Hola {name}:\n\nla venta que reservaste, {sale}, empieza a las {opens}. Llega a tiempo: {link}", "Millet: {sale} empieza a las {opens}. {link}"),
            "hi": ("{sale} {opens} पर शुरू", "नमस्ते {name},\n\nआपकी आरक्षित सेल {sale} {opens} पर शुरू होगी। समय पर आएँ: {link}", "Millet: {sale} {opens} पर शुरू. {link}"),
            "id": ("{sale} dibuka pukul {opens}", "Halo {name},\n\npenjualan yang Anda pesan, {sale}, dibuka pukul {opens}. Datang tepat waktu: {link}", "Millet: {sale} dibuka pukul {opens}. {link}"),
            "zh-Hans": ("{sale} 将于 {opens} 开抢", "{name}，您好：\n\n您预约的 {sale} 将于 {opens} 开始。请准时参加：{link}", "Millet：{sale} 将于 {opens} 开抢。{link}"),
        ],
        .auctionWon: [
            "en": ("You won {auction}", "Hello {name},\n\nyou won {auction} at {price}. Give your delivery address and pay by {deadline}, or the unit goes to the next bidder: {link}", "Millet: you won {auction} at {price}. Order and pay by {deadline}: {link}"),
            "es": ("Has ganado {auction}", "Hola {name}:\n\nhas ganado {auction} por {price}. Indica tu dirección de entrega y paga antes del {deadline}; si no, la unidad pasa al siguiente pujador: {link}", "Millet: has ganado {auction} por {price}. Pide y paga antes del {deadline}: {link}"),
            "hi": ("आपने {auction} जीता", "नमस्ते {name},\n\nआपने {auction} {price} में जीता। {deadline} तक अपना पता दें और भुगतान करें, वरना यूनिट अगले बोलीदाता को जाएगी: {link}", "Millet: आपने {auction} {price} में जीता। {deadline} तक ऑर्डर और भुगतान करें: {link}"),
            "id": ("Anda memenangkan {auction}", "Halo {name},\n\nAnda memenangkan {auction} seharga {price}. Isi alamat pengiriman dan bayar sebelum {deadline}, atau unit beralih ke penawar berikutnya: {link}", "Millet: Anda memenangkan {auction} seharga {price}. Pesan dan bayar sebelum {deadline}: {link}"),
            "zh-Hans": ("您拍得了 {auction}", "{name}，您好：\n\n您以 {price} 拍得了 {auction}。请在 {deadline} 前填写收货地址并付款，否则该商品将转给下一位出价者：{link}", "Millet：您以 {price} 拍得 {auction}，请在 {deadline} 前下单付款：{link}"),
        ],
        .auctionSecondChance: [
            "en": ("A second chance at {auction}", "Hello {name},\n\nthe winner of {auction} did not take it. The unit is yours at your maximum, {price}, if you order and pay by {deadline}: {link}\n\nIf you no longer want it, do nothing or decline it on that page.", "Millet: {auction} is yours at {price} if you order and pay by {deadline}: {link}"),
            "es": ("Una segunda oportunidad: {auction}", "Hola {name}:\n\nel ganador de {auction} no se la quedó. La unidad es tuya por tu máximo, {price}, si la pides y pagas antes del {deadline}: {link}\n\nSi ya no la quieres, no hagas nada o recházala en esa página.", "Millet: {auction} es tuyo por {price} si lo pides y pagas antes del {deadline}: {link}"),
            "hi": ("{auction} का दूसरा मौका", "नमस्ते {name},\n\n{auction} के विजेता ने इसे नहीं लिया। यदि आप {deadline} तक ऑर्डर और भुगतान करें तो यूनिट आपकी अधिकतम बोली {price} पर आपकी है: {link}\n\nयदि अब नहीं चाहिए, तो कुछ न करें या उस पेज पर मना करें।", "Millet: {deadline} तक ऑर्डर और भुगतान करें तो {auction} {price} में आपका: {link}"),
            "id": ("Kesempatan kedua untuk {auction}", "Halo {name},\n\npemenang {auction} tidak mengambilnya. Unit ini milik Anda seharga penawaran maksimum Anda, {price}, jika Anda memesan dan membayar sebelum {deadline}: {link}\n\nJika tidak lagi menginginkannya, abaikan atau tolak di halaman itu.", "Millet: {auction} milik Anda seharga {price} jika dipesan dan dibayar sebelum {deadline}: {link}"),
            "zh-Hans": ("{auction} 的第二次机会", "{name}，您好：\n\n{auction} 的得标者未购买。若您在 {deadline} 前下单付款，即可按您的最高出价 {price} 购得：{link}\n\n如不再需要，无需操作，或在该页面放弃。", "Millet：在 {deadline} 前下单付款，即可以 {price} 购得 {auction}：{link}"),
        ],
        .preorderSlipped: [
            "en": ("Your pre-order ships later: {window}", "Hello {name},\n\nbatch {batch} of your pre-order is late: it now ships {window}. If you would rather not wait, cancel in one click and your deposit comes back in full: {link}", "Millet: your pre-order now ships {window}. Cancel with a full refund: {link}"),
            "es": ("Tu reserva se envía más tarde: {window}", "Hola {name}:\n\nel lote {batch} de tu reserva se retrasa: ahora se envía entre {window}. Si prefieres no esperar, cancela con un clic y te devolvemos el depósito completo: {link}", "Millet: tu reserva se envía ahora entre {window}. Cancela con reembolso completo: {link}"),
            "hi": ("आपका प्री-ऑर्डर देर से भेजा जाएगा: {window}", "नमस्ते {name},\n\nआपके प्री-ऑर्डर का बैच {batch} देर से है: अब यह {window} भेजा जाएगा। इंतज़ार नहीं करना चाहते, तो एक क्लिक में रद्द करें और पूरी जमा राशि वापस पाएँ: {link}", "Millet: आपका प्री-ऑर्डर अब {window} भेजा जाएगा। पूरे रिफ़ंड के साथ रद्द करें: {link}"),
            "id": ("Pre-order Anda dikirim lebih lambat: {window}", "Halo {name},\n\nbatch {batch} pre-order Anda terlambat: kini dikirim {window}. Jika tidak ingin menunggu, batalkan dengan satu klik dan deposit Anda kembali penuh: {link}", "Millet: pre-order Anda kini dikirim {window}. Batalkan dengan pengembalian penuh: {link}"),
            "zh-Hans": ("您的预订将延后发货：{window}", "{name}，您好：\n\n您预订的第 {batch} 批次延期，现将于 {window} 发货。如不愿等待，可一键取消，定金全额退还：{link}", "Millet：您的预订改为 {window} 发货。全额退款取消：{link}"),
        ],
        .preorderLate: [
            "en": ("Your pre-order is late", "Hello {name},\n\nbatch {batch} of your pre-order has not shipped in the window we promised, and we have no new date yet. We are sorry. If you would rather not wait, cancel in one click and your deposit comes back in full: {link}", "Millet: your pre-order is late, no new date yet. Cancel with a full refund: {link}"),
            "es": ("Tu reserva se retrasa", "Hola {name}:\n\nel lote {batch} de tu reserva no se ha enviado en el plazo prometido y aún no tenemos nueva fecha. Lo sentimos. Si prefieres no esperar, cancela con un clic y te devolvemos el depósito completo: {link}", "Millet: tu reserva se retrasa, sin fecha nueva aún. Cancela con reembolso completo: {link}"),
            "hi": ("आपके प्री-ऑर्डर में देरी", "नमस्ते {name},\n\nआपके प्री-ऑर्डर का बैच {batch} वादा किए गए समय में नहीं भेजा गया और अभी नई तारीख नहीं है। हमें खेद है। इंतज़ार नहीं करना चाहते तो एक क्लिक में रद्द करें, पूरी जमा राशि वापस: {link}", "Millet: आपके प्री-ऑर्डर में देरी है, नई तारीख अभी नहीं। पूरे रिफ़ंड के साथ रद्द करें: {link}"),
            "id": ("Pre-order Anda terlambat", "Halo {name},\n\nbatch {batch} pre-order Anda belum dikirim dalam waktu yang dijanjikan dan belum ada tanggal baru. Mohon maaf. Jika tidak ingin menunggu, batalkan dengan satu klik dan deposit kembali penuh: {link}", "Millet: pre-order Anda terlambat, belum ada tanggal baru. Batalkan dengan pengembalian penuh: {link}"),
            "zh-Hans": ("您的预订延误了", "{name}，您好：\n\n您预订的第 {batch} 批次未能在承诺时间内发货，目前尚无新日期。非常抱歉。如不愿等待，可一键取消，定金全额退还：{link}", "Millet：您的预订延误，暂无新日期。全额退款取消：{link}"),
        ],
        .batchOpened: [
            "en": ("A batch of {product} has a place for you", "Hello {name},\n\nyou asked to hear when {product} could be pre-ordered again: batch {batch} ships {window} and has places, first come, first served. Pre-order it here: {link}", "Millet: {product} can be pre-ordered again (ships {window}): {link}"),
            "es": ("Hay sitio para ti en un lote de {product}", "Hola {name}:\n\npediste saber cuándo se podría reservar de nuevo {product}: el lote {batch} se envía entre {window} y tiene plazas, por orden de llegada. Resérvalo aquí: {link}", "Millet: ya puedes reservar {product} (envío entre {window}): {link}"),
            "hi": ("{product} के बैच में आपके लिए जगह है", "नमस्ते {name},\n\nआपने जानना चाहा था कि {product} फिर कब प्री-ऑर्डर हो सकेगा: बैच {batch} {window} भेजा जाएगा और इसमें जगह है, पहले आओ पहले पाओ। यहाँ प्री-ऑर्डर करें: {link}", "Millet: {product} फिर से प्री-ऑर्डर करें ({window} भेजा जाएगा): {link}"),
            "id": ("Ada tempat untuk Anda di batch {product}", "Halo {name},\n\nAnda ingin tahu kapan {product} bisa di-pre-order lagi: batch {batch} dikirim {window} dan masih ada tempat, siapa cepat dia dapat. Pre-order di sini: {link}", "Millet: {product} bisa di-pre-order lagi (dikirim {window}): {link}"),
            "zh-Hans": ("{product} 新批次有名额了", "{name}，您好：\n\n您希望在 {product} 可再次预订时收到通知：第 {batch} 批次将于 {window} 发货，尚有名额，先到先得。在此预订：{link}", "Millet：{product} 可再次预订（{window} 发货）：{link}"),
        ],
        .releaseShipped: [
            "en": ("{productLine} {version} answers your post", "Hello {name},\n\n{productLine} {version} ({channel}) ships something you asked for, voted for or follow. Read what changed: {link}", ""),
            "es": ("{productLine} {version} responde a tu publicación", "Hola {name}:\n\n{productLine} {version} ({channel}) incluye algo que pediste, votaste o sigues. Lee qué cambia: {link}", ""),
            "hi": ("{productLine} {version} में आपका सुझाव", "नमस्ते {name},\n\n{productLine} {version} ({channel}) में वह शामिल है जो आपने माँगा, जिसे वोट दिया या फ़ॉलो किया। बदलाव पढ़ें: {link}", ""),
            "id": ("{productLine} {version} menjawab posting Anda", "Halo {name},\n\n{productLine} {version} ({channel}) membawa sesuatu yang Anda minta, dukung, atau ikuti. Baca perubahannya: {link}", ""),
            "zh-Hans": ("{productLine} {version} 采纳了您的建议", "{name}，您好：\n\n{productLine} {version}（{channel}）包含了您提出、投票或关注的内容。查看更新：{link}", ""),
        ],
        .emailVerification: [
            "en": ("Confirm your email address", "Hello {name},\n\nplease confirm that {email} is yours by opening this link within 24 hours:\n\n{link}\n\nIf you did not create an account, ignore this message.", ""),
            "es": ("Confirma tu dirección de correo", "Hola {name}:\n\nconfirma que {email} es tuyo abriendo este enlace en las próximas 24 horas:\n\n{link}\n\nSi no creaste una cuenta, ignora este mensaje.", ""),
            "hi": ("अपना ईमेल पता पुष्टि करें", "नमस्ते {name},\n\nकृपया 24 घंटे के भीतर यह लिंक खोलकर पुष्टि करें कि {email} आपका है:\n\n{link}\n\nयदि आपने खाता नहीं बनाया, तो इसे अनदेखा करें।", ""),
            "id": ("Konfirmasi alamat email Anda", "Halo {name},\n\nkonfirmasikan bahwa {email} milik Anda dengan membuka tautan ini dalam 24 jam:\n\n{link}\n\nJika Anda tidak membuat akun, abaikan pesan ini.", ""),
            "zh-Hans": ("请验证您的邮箱", "{name}，您好：\n\n请在 24 小时内打开以下链接，确认 {email} 是您的邮箱：\n\n{link}\n\n如果您没有注册账号，请忽略本邮件。", ""),
        ],
        .numberCode: [
            "en": ("Your code", "Hello {name},\n\na code to prove the number you dispute is yours was texted to that number. Your dispute: {link}", "Millet: {code} is your code to dispute the label of this number. It works for 15 minutes. If you did not ask, ignore this text."),
            "es": ("Tu código", "Hola {name}:\n\nhemos enviado por SMS al número que impugnas un código para probar que es tuyo. Tu impugnación: {link}", "Millet: {code} es tu código para impugnar la etiqueta de este número. Vale 15 minutos. Si no lo pediste, ignora este mensaje."),
            "hi": ("आपका कोड", "नमस्ते {name},\n\nजिस नंबर पर आपने आपत्ति की है, उस पर यह साबित करने का कोड भेजा गया है कि वह आपका है। आपकी आपत्ति: {link}", "Millet: इस नंबर के लेबल पर आपत्ति के लिए आपका कोड {code} है। यह 15 मिनट तक मान्य है। यदि आपने नहीं माँगा, तो इसे अनदेखा करें।"),
            "id": ("Kode Anda", "Halo {name},\n\nkode untuk membuktikan nomor yang Anda sanggah adalah milik Anda telah dikirim lewat SMS ke nomor itu. Sanggahan Anda: {link}", "Millet: {code} adalah kode Anda untuk menyanggah label nomor ini. Berlaku 15 menit. Jika Anda tidak memintanya, abaikan pesan ini."),
            "zh-Hans": ("您的验证码", "{name}，您好：\n\n证明所申诉号码归您所有的验证码已通过短信发送到该号码。您的申诉：{link}", "Millet：{code} 是您申诉此号码标记的验证码，15 分钟内有效。如非本人操作，请忽略本短信。"),
        ],
        .passwordReset: [
            "en": ("Reset your password", "Hello {name},\n\nsomeone asked to reset the password of your account. The link works once, for one hour:\n\n{link}\n\nIf it was not you, ignore this message; your password stays as it is.", ""),
            "es": ("Restablece tu contraseña", "Hola {name}:\n\nalguien ha pedido restablecer la contraseña de tu cuenta. El enlace sirve una vez, durante una hora:\n\n{link}\n\nSi no fuiste tú, ignora este mensaje; tu contraseña no cambia.", ""),
            "hi": ("अपना पासवर्ड रीसेट करें", "नमस्ते {name},\n\nकिसी ने आपके खाते का पासवर्ड रीसेट करने को कहा। यह लिंक एक बार, एक घंटे तक काम करता है:\n\n{link}\n\nयदि यह आप नहीं थे, तो इसे अनदेखा करें।", ""),
            "id": ("Atur ulang kata sandi Anda", "Halo {name},\n\nseseorang meminta mengatur ulang kata sandi akun Anda. Tautan ini berlaku sekali, selama satu jam:\n\n{link}\n\nJika bukan Anda, abaikan pesan ini.", ""),
            "zh-Hans": ("重置您的密码", "{name}，您好：\n\n有人申请重置您账号的密码。以下链接仅可使用一次，一小时内有效：\n\n{link}\n\n如果不是您本人操作，请忽略本邮件，密码不会改变。", ""),
        ],
        .passwordChanged: [
            "en": ("Your password was changed", "Hello {name},\n\nthe password of your account changed on {when}, and every other session was logged out. If it was not you, reset your password now: {link}", ""),
            "es": ("Tu contraseña ha cambiado", "Hola {name}:\n\nla contraseña de tu cuenta cambió el {when} y se cerraron las demás sesiones. Si no fuiste tú, restablécela ya: {link}", ""),
            "hi": ("आपका पासवर्ड बदला गया", "नमस्ते {name},\n\nआपके खाते का पासवर्ड {when} को बदला गया और बाकी सभी सत्र बंद कर दिए गए। यदि यह आप नहीं थे, तो अभी रीसेट करें: {link}", ""),
            "id": ("Kata sandi Anda diubah", "Halo {name},\n\nkata sandi akun Anda diubah pada {when} dan sesi lain telah dikeluarkan. Jika bukan Anda, atur ulang sekarang: {link}", ""),
            "zh-Hans": ("您的密码已修改", "{name}，您好：\n\n您账号的密码已于 {when} 修改，其他登录均已退出。如非本人操作，请立即重置密码：{link}", ""),
        ],
        .emailChanged: [
            "en": ("Your email address was changed", "Hello {name},\n\nthe email address of your account changed on {when} from {oldEmail} to {email}. If it was not you, reset your password now: {link}", ""),
            "es": ("Tu correo ha cambiado", "Hola {name}:\n\nel correo de tu cuenta cambió el {when} de {oldEmail} a {email}. Si no fuiste tú, restablece tu contraseña ya: {link}", ""),
            "hi": ("आपका ईमेल पता बदला गया", "नमस्ते {name},\n\nआपके खाते का ईमेल {when} को {oldEmail} से {email} किया गया। यदि यह आप नहीं थे, तो अभी पासवर्ड रीसेट करें: {link}", ""),
            "id": ("Alamat email Anda diubah", "Halo {name},\n\nalamat email akun Anda diubah pada {when} dari {oldEmail} menjadi {email}. Jika bukan Anda, atur ulang kata sandi sekarang: {link}", ""),
            "zh-Hans": ("您的邮箱已修改", "{name}，您好：\n\n您账号的邮箱已于 {when} 从 {oldEmail} 改为 {email}。如非本人操作，请立即重置密码：{link}", ""),
        ],
    ]
}
