// The hub board's one script (a file: the CSP allows no inline script). It makes the pages live and nothing more:
// every page works without it. Countdowns tick; the stack follows the server's event stream (or polls when the
// stream drops), marks and announces only cases that are new to this page, counts them in the title and, when the
// person asks for it, plays a short sound; a notice still waiting for the ambulance service's acknowledgement asks
// again until it has one.
(function () {
  'use strict';

  var POLL_MS = 10000;
  var NOTICE_MS = 3000;
  var ARRIVED_MS = 120000;

  function minutesText(ms) {
    var minutes = Math.max(0, Math.floor(ms / 60000));
    if (minutes >= 60) {
      var rest = minutes % 60;
      return Math.floor(minutes / 60) + ' h ' + (rest < 10 ? '0' : '') + rest + ' min';
    }
    return minutes + ' min';
  }

  // The server's clock, not the browser's, decides how long is left.
  var skew = 0;
  function readSkew() {
    var marked = document.querySelector('[data-server-now]');
    if (marked) {
      skew = Number(marked.getAttribute('data-server-now')) - Date.now();
    }
  }

  function tick() {
    var now = Date.now() + skew;
    document.querySelectorAll('.countdown[data-until]').forEach(function (el) {
      var left = Number(el.getAttribute('data-until')) - now;
      var kind = el.getAttribute('data-kind');
      var text;
      if (kind === 'answer') {
        text = left >= 0 ? 'in ' + minutesText(left) : 'overdue by ' + minutesText(-left);
      } else if (left < 0) {
        text = 'Breached ' + minutesText(-left) + ' ago';
      } else {
        text = kind === 'breach-left' ? minutesText(left) + ' left' : minutesText(left);
      }
      el.classList.toggle('breached', left < 0);
      if (el.textContent !== text) {
        el.textContent = text;
      }
    });
  }

  function refreshNotice() {
    var notice = document.getElementById('notice');
    if (!notice || !notice.getAttribute('data-refresh')) {
      return;
    }
    fetch(notice.getAttribute('data-refresh'), { credentials: 'same-origin' }).then(function (response) {
      return response.ok && !response.redirected ? response.text() : null;
    }).then(function (html) {
      if (html) {
        var holder = document.createElement('div');
        holder.innerHTML = html.trim();
        var fresh = holder.firstElementChild;
        if (fresh && fresh.textContent !== notice.textContent) {
          notice.replaceWith(fresh);
        } else if (fresh && !fresh.getAttribute('data-refresh')) {
          notice.removeAttribute('data-refresh');
        }
      }
      setTimeout(refreshNotice, NOTICE_MS);
    }).catch(function () {
      setTimeout(refreshNotice, NOTICE_MS);
    });
  }

  function liveStack(stack) {
    var rowsUrl = stack.getAttribute('data-rows-url');
    var eventsUrl = stack.getAttribute('data-events-url');
    var liveState = document.getElementById('live-state');
    var arrivals = document.getElementById('arrivals');
    var sound = document.getElementById('sound-toggle');
    var baseTitle = document.title;
    var unseen = 0;
    var known = openIds(stack);
    var pollTimer = null;
    var fetching = false;
    var again = false;
    window.boardLive = { mode: 'starting', refreshes: 0 };

    try {
      sound.checked = window.localStorage.getItem('board.sound') === 'on';
    } catch (e) { /* storage may be off: the sound stays off */ }
    sound.addEventListener('change', function () {
      try {
        window.localStorage.setItem('board.sound', sound.checked ? 'on' : 'off');
      } catch (e) { /* nothing to keep it in */ }
    });

    function openIds(root) {
      var ids = {};
      root.querySelectorAll('tr[data-open="true"]').forEach(function (row) {
        ids[row.getAttribute('data-referral')] = row.getAttribute('data-summary');
      });
      return ids;
    }

    function beep() {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!sound.checked || !Context) {
        return;
      }
      try {
        var context = new Context();
        var tone = context.createOscillator();
        tone.frequency.value = 880;
        tone.connect(context.destination);
        tone.start();
        tone.stop(context.currentTime + 0.2);
      } catch (e) { /* no audio: the visible cue remains */ }
    }

    function seen() {
      if (unseen > 0) {
        unseen = 0;
        document.title = baseTitle;
      }
    }
    document.addEventListener('click', seen);
    document.addEventListener('keydown', seen);

    function apply(html) {
      var holder = document.createElement('div');
      holder.innerHTML = html;
      var fresh = holder.querySelector('#stack-body');
      var current = document.getElementById('stack-body');
      if (!fresh || !current) {
        return;
      }
      var ids = openIds(fresh);
      var arrived = Object.keys(ids).filter(function (id) { return !(id in known); });
      var wasOpen = current.querySelector('#finished') && current.querySelector('#finished').open;
      var focused = document.activeElement && current.contains(document.activeElement)
          ? document.activeElement.closest('tr[data-referral]') : null;
      var focusedId = focused ? focused.getAttribute('data-referral') : null;
      // Rows already marked as new stay marked for a while after a refresh.
      current.querySelectorAll('tr.arrived').forEach(function (row) {
        var same = fresh.querySelector('tr[data-referral="' + row.getAttribute('data-referral') + '"]');
        if (same && Date.now() - Number(row.getAttribute('data-arrived-at')) < ARRIVED_MS) {
          same.classList.add('arrived');
          same.setAttribute('data-arrived-at', row.getAttribute('data-arrived-at'));
        }
      });
      arrived.forEach(function (id) {
        var row = fresh.querySelector('tr[data-referral="' + id + '"]');
        row.classList.add('arrived');
        row.setAttribute('data-arrived-at', String(Date.now()));
      });
      if (wasOpen) {
        fresh.querySelector('#finished').open = true;
      }
      current.replaceWith(fresh);
      known = ids;
      readSkew();
      tick();
      if (focusedId) {
        var link = fresh.querySelector('tr[data-referral="' + focusedId + '"] a');
        if (link) {
          link.focus();
        }
      }
      if (arrived.length > 0) {
        unseen += arrived.length;
        document.title = '(' + unseen + ' new) ' + baseTitle;
        arrivals.textContent = (arrived.length === 1 ? 'New case: ' : arrived.length + ' new cases: ')
            + arrived.map(function (id) { return ids[id]; }).join('; ');
        beep();
      }
      window.boardLive.refreshes++;
    }

    function refresh() {
      if (fetching) {
        again = true;
        return;
      }
      fetching = true;
      fetch(rowsUrl, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } }).then(function (response) {
        if (response.redirected || response.status === 401 || response.status === 403) {
          // The session ended: loading the page again signs in again.
          window.location.reload();
          return null;
        }
        return response.ok ? response.text() : null;
      }).then(function (html) {
        if (html) {
          apply(html);
        }
      }).catch(function () {
        liveState.textContent = 'Cannot reach the hub; trying again.';
      }).then(function () {
        fetching = false;
        if (again) {
          again = false;
          refresh();
        }
      });
    }

    function poll() {
      if (!pollTimer) {
        pollTimer = setInterval(refresh, POLL_MS);
        window.boardLive.mode = 'polling';
        liveState.textContent = 'Checking for changes every ' + POLL_MS / 1000 + ' seconds.';
      }
    }

    function stopPolling() {
      if (pollTimer) {
        clearInterval(pollTimer);
        pollTimer = null;
      }
    }

    if (!window.EventSource) {
      poll();
      return;
    }
    var stream = new EventSource(eventsUrl);
    stream.onopen = function () {
      stopPolling();
      window.boardLive.mode = 'events';
      liveState.textContent = 'Updates as they happen.';
      // Whatever changed while the stream was down.
      refresh();
    };
    stream.onmessage = function (event) {
      if (event.data === 'changed') {
        refresh();
      }
    };
    stream.onerror = function () {
      // The browser reconnects by itself; until it has, the page polls.
      poll();
    };
  }

  document.addEventListener('DOMContentLoaded', function () {
    readSkew();
    tick();
    setInterval(tick, 1000);
    setTimeout(refreshNotice, NOTICE_MS);
    var stack = document.getElementById('stack');
    if (stack) {
      liveStack(stack);
    }
  });
})();
