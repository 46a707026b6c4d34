// Shows the totals of the shipping method the fan picks; the server prices the order again
// when it is placed, so this only saves a round trip.
document.querySelectorAll('#shipping-methods input[name=shippingMethod]').forEach(function (input) {
  input.addEventListener('change', function () {
    document.getElementById('shipping-total').textContent = input.dataset.shipping;
    document.getElementById('tax-total').textContent = input.dataset.tax;
    document.getElementById('total').textContent = input.dataset.total;
  });
});
