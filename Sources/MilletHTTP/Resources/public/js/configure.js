// The pre-order page's live preview: the cover's colour, the engraving and the unit's price follow
// the choices as they are made. The server prices the pre-order again when it is placed.
(function () {
  var box = document.getElementById('configure');
  if (!box) return;
  var d = box.dataset, digits = parseInt(d.digits, 10), comma = d.language === 'es' || d.language === 'id';

  // The amount the way the page writes money (LocaleFormat on the server).
  function money(minor) {
    var negative = minor < 0, divisor = Math.pow(10, digits), value = Math.abs(minor);
    var whole = String(Math.floor(value / divisor)), groups = [], size = 3;
    while (whole.length > size) {
      groups.unshift(whole.slice(-size));
      whole = whole.slice(0, -size);
      if (d.currency === 'INR') size = 2;
    }
    groups.unshift(whole);
    var number = groups.join(comma ? '.' : ',');
    if (digits > 0) number += (comma ? ',' : '.') + String(value % divisor).padStart(digits, '0');
    var body = d.language === 'es' ? number + ' ' + d.symbol : d.language === 'id' ? d.symbol + ' ' + number : d.symbol + number;
    return negative ? '-' + body : body;
  }

  // Light ink on a dark cover, dark on a light one (ConfiguratorValues.ink on the server).
  function ink(swatch) {
    var n = parseInt(swatch.slice(1), 16);
    return (((n >> 16) & 255) * 299 + ((n >> 8) & 255) * 587 + (n & 255) * 114) / 1000 > 150 ? '#0f172a' : '#f8fafc';
  }

  function update() {
    var total = parseInt(d.base, 10), lines = [], engraving = [];
    document.getElementById('preview-cover').setAttribute('fill', d.standardSwatch);
    box.querySelectorAll('input[data-price]').forEach(function (input) {
      var text = input.dataset.text === 'true', value = input.value.trim();
      if (text ? value === '' : !input.checked) return;
      total += parseInt(input.dataset.price, 10);
      if (text) {
        engraving.push(value);
        lines.push(input.dataset.name + ': \u201c' + value + '\u201d');
      } else if (value !== '') {
        lines.push(input.dataset.name + ': ' + input.dataset.label);
        if (input.dataset.swatch) document.getElementById('preview-cover').setAttribute('fill', input.dataset.swatch);
      }
    });
    var cover = document.getElementById('preview-cover'), text = document.getElementById('preview-engraving');
    var words = engraving.join(' ');
    text.textContent = words;
    text.setAttribute('fill', ink(cover.getAttribute('fill')));
    // Smaller as it grows, and never wider than the cover.
    text.setAttribute('font-size', String(Math.max(7, 15 - Math.max(0, Array.from(words).length - 10))));
    text.removeAttribute('textLength');
    if (words && text.getComputedTextLength && text.getComputedTextLength() > 120) {
      text.setAttribute('textLength', '120');
      text.setAttribute('lengthAdjust', 'spacingAndGlyphs');
    }
    document.getElementById('preview-summary').textContent = lines.join(' \u00b7 ');
    document.getElementById('unit-price').textContent = money(total);
    var now = document.getElementById('preorder-now'), balance = document.getElementById('preorder-balance');
    if (d.full === 'true') {
      if (now) now.textContent = money(total);
    } else if (balance) {
      balance.textContent = money(total - parseInt(d.deposit, 10));
    }
  }

  box.addEventListener('input', update);
  box.addEventListener('change', update);
  update();
})();
