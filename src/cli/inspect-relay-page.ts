/**
 * The viewer: Stately's inspector, a third-party web page. The relay's own page is only a frame around it; the
 * viewer's HTML and scripts are loaded from this address by the browser, from the internet, each time the page opens.
 */
export const STATELY_VIEWER_URL = 'https://stately.ai/inspect';

/**
 * The page the relay serves at `/`: it frames the Stately viewer and passes each event from the relay's WebSocket on
 * to it by `postMessage`. Adapted from `@statelyai/inspect/server` (MIT), with two differences: it connects back to
 * the address the page was loaded from (the relay may not be on localhost), and it takes the viewer's "connected"
 * message only from its own frame. It posts to `*` as the original does: the viewer may redirect to another origin,
 * and what it is sent was sanitised by the sender.
 */
export function relayPageHtml(viewerUrl: string = STATELY_VIEWER_URL): string {
  const viewer = JSON.stringify(viewerUrl);
  return `<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <title>Cutter: Stately inspector (third-party page, loaded from ${new URL(viewerUrl).host})</title>
  <style>
    * { margin: 0; padding: 0; }
    html, body { height: 100%; }
    iframe { width: 100%; height: 100%; border: none; }
  </style>
</head>
<body>
  <iframe id="inspector"></iframe>
  <script>
    const iframe = document.getElementById('inspector');
    iframe.src = ${viewer};
    const buffer = [];
    let connected = false;
    window.addEventListener('message', (e) => {
      if (e.source !== iframe.contentWindow) return;
      if (e.data && e.data.type === '@statelyai.connected') {
        connected = true;
        for (const event of buffer) iframe.contentWindow.postMessage(event, '*');
        buffer.length = 0;
      }
    });
    const ws = new WebSocket('ws://' + location.host);
    ws.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (connected) iframe.contentWindow.postMessage(data, '*');
      else buffer.push(data);
    };
  </script>
</body>
</html>`;
}
