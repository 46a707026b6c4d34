// Suggests posts that already exist while a fan types a new one's title, to cut duplicates.
(function () {
  var script = document.currentScript;
  var board = script && script.dataset.board;
  var title = document.getElementById('post-title');
  var box = document.getElementById('similar');
  var list = document.getElementById('similar-list');
  if (!title || !box || !list) return;
  var timer = null, asked = '';
  function show(posts) {
    list.textContent = '';
    posts.forEach(function (post) {
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = '/community/posts/' + post.id;
      link.textContent = post.title;
      link.className = 'similar-post';
      item.appendChild(link);
      item.appendChild(document.createTextNode(' ▲ ' + post.votes));
      list.appendChild(item);
    });
    box.hidden = posts.length === 0;
  }
  function ask() {
    var text = title.value.trim();
    if (text.length < 3 || text === asked) { if (text.length < 3) show([]); return; }
    asked = text;
    var url = '/api/v1/community/similar?q=' + encodeURIComponent(text) + (board ? '&board=' + encodeURIComponent(board) : '');
    fetch(url).then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (body) { if (asked === text) show(body.items || []); })
      .catch(function () { show([]); });
  }
  title.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(ask, 250); });
})();
