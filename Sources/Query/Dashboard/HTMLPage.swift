import Hummingbird
import NIOCore
import Web

extension HTML {
    /// A page; `csrf` (a signed-in page's CSRF token) adds the account link and the sign-out button.
    static func page(_ title: String, _ body: String, status: HTTPResponse.Status = .ok, csrf: String? = nil) -> Response {
        let account = csrf.map {
            """
            <span class="spacer"></span><a href="/ui/account">Account</a>
            <form class="inline" method="post" action="/ui/logout">\(CSRF.hiddenField($0))<button id="sign-out">Sign out</button></form>
            """
        } ?? ""
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · Faultline</title>
            <style>
            body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
            header{background:#2b1d3d;color:#fff;padding:10px 20px;display:flex;gap:16px;align-items:center}
            header a{color:#fff;text-decoration:none;font-weight:600}
            main{padding:16px 20px;max-width:1200px}
            table{border-collapse:collapse;width:100%;background:#fff}
            th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eee;vertical-align:top}
            th{font-weight:600;color:#555;font-size:12px;text-transform:uppercase}
            .muted{color:#777}.num{text-align:right;font-variant-numeric:tabular-nums}
            .status{font-size:12px;padding:1px 6px;border-radius:8px;background:#eee}
            .frame{font-family:ui-monospace,monospace;font-size:12px;padding:4px 8px;border-bottom:1px solid #f0f0f0}
            .app{background:#fffbea}.ctx{white-space:pre;color:#444}
            form.inline{display:inline}button{cursor:pointer}.spacer{flex:1}
            .error{color:#b00}.notice{color:#070}
            input[type=text],input[type=password]{padding:5px;width:320px}
            </style></head>
            <body><header><a href="/ui/">Faultline</a><span>\(escape(title))</span>\(account)</header><main>\(body)</main></body></html>
            """
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8",
                                                  // No framing (clickjacking of the triage buttons); X-Frame-Options for browsers without CSP 2.
                                                  .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                                                  .xFrameOptions: "DENY", .referrerPolicy: "same-origin",
                                                  .xContentTypeOptions: "nosniff"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
