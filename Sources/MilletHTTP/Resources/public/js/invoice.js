document.getElementById('print-invoice').addEventListener('click', function () { window.print(); });
