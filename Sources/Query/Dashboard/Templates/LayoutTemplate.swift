extension DashboardTemplates {
    /// Every page's frame: navigation, the organization and project switcher, sign-out. The CSS
    /// keeps every page inside the viewport from 390 px up: long unbroken strings wrap, code and
    /// wide tables scroll inside their own box.
    static let layout = #"""
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} · Faultline</title>
<style>
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa;overflow-wrap:anywhere}
a{color:#5a3c9a}
header{background:#2b1d3d;color:#fff;padding:8px 16px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}
header a{color:#fff;text-decoration:none}
header .brand{font-weight:700}
header nav{display:flex;flex-wrap:wrap;gap:4px 14px}
header nav a[aria-current]{text-decoration:underline}
.switch{position:relative}
.switch summary{cursor:pointer;list-style:revert}
.switch ul{position:absolute;z-index:2;background:#fff;color:#1d1d1f;list-style:none;margin:4px 0 0;padding:6px 0;min-width:200px;max-width:80vw;box-shadow:0 2px 8px #0004;border-radius:4px}
.switch li a{display:block;color:#1d1d1f;padding:4px 12px}
.switch .heading{font-size:12px;color:#555;padding:4px 12px;text-transform:uppercase}
.spacer{flex:1}
main{padding:16px;max-width:1240px;margin:0 auto}
h1{font-size:20px;margin:0 0 8px}h2{font-size:17px;margin:18px 0 8px}h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;width:100%;background:#fff}
.scroll{overflow-x:auto;max-width:100%}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{font-weight:600;color:#555;font-size:12px;text-transform:uppercase}
.muted{color:#595959}.num{text-align:right;font-variant-numeric:tabular-nums}
.status,.level{font-size:12px;padding:1px 6px;border-radius:8px;background:#eee;white-space:nowrap}
.level-error,.level-fatal{background:#fde2e1}.level-warning{background:#fff1c2}
form.inline{display:inline}button{cursor:pointer}
.error{color:#a00}.notice{color:#060}
input[type=text],input[type=password],input[type=search],input[type=number],select,textarea{padding:5px;max-width:100%;font:inherit}
input[type=search]{width:min(520px,100%)}
.toolbar{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center;margin:8px 0}
.tabs{display:flex;flex-wrap:wrap;gap:4px;margin:8px 0;padding:0;list-style:none}
.tabs a{display:block;padding:4px 10px;border-radius:14px;background:#eee;text-decoration:none;color:#1d1d1f}
.tabs a[aria-current]{background:#2b1d3d;color:#fff}
.stream{list-style:none;margin:0;padding:0;background:#fff}
.stream li{display:flex;flex-wrap:wrap;gap:4px 14px;padding:8px;border-bottom:1px solid #eee;align-items:flex-start}
.stream .pick{flex:0 0 auto;padding-top:2px}
.stream .main{flex:1 1 320px;min-width:0}
.stream .title{font-weight:600}
.stream .facts{gap:4px 14px;font-size:13px}
.stream .count{min-width:56px;text-align:right;font-variant-numeric:tabular-nums}
.pager{display:flex;gap:12px;margin:10px 0}
.frame{font-family:ui-monospace,monospace;font-size:12px;padding:4px 8px;border-bottom:1px solid #f0f0f0;background:#fff}
.frame.app{background:#fffbea}
pre,.code{font-family:ui-monospace,monospace;font-size:12px;overflow-x:auto;max-width:100%;margin:4px 0;background:#f6f6f6;padding:4px}
pre .line{display:block;min-height:1.2em;white-space:pre}pre .current{background:#f3e6ff}
.facts{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:center}
svg.chart{width:100%;height:80px}
details>summary{cursor:pointer}
.kv{display:grid;grid-template-columns:minmax(90px,180px) minmax(0,1fr);gap:2px 12px;background:#fff;padding:6px 8px}
.kv dt{color:#555}.kv dd{margin:0;min-width:0}
.crumbs li{padding:3px 0;border-bottom:1px solid #f0f0f0}
.crumbs{list-style:none;padding:0;margin:0;background:#fff}
.bar{display:block;height:6px;background:#7553b7;border-radius:3px}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,380px),1fr));gap:12px}
.card{background:#fff;border:1px solid #eee;border-radius:6px;padding:10px;min-width:0}
.actions{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start;margin:10px 0}
.actions details{background:#fff;border:1px solid #ddd;border-radius:4px;padding:4px 8px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;color:#000;padding:4px;z-index:3}
svg{max-width:100%}
fieldset{border:0;padding:0;margin:0;min-width:0}
</style></head>
<body><a class="skip" href="#main">Skip to content</a>
<header>
<a class="brand" href="/ui/">Faultline</a>
{{#nav}}
<details class="switch" id="switcher"><summary>{{org}}{{#project}} / {{.}}{{/project}}</summary>
<ul>
<li class="heading">Organizations</li>
{{#orgs}}<li><a href="/ui/{{slug}}/issues/">{{slug}}</a></li>{{/orgs}}
<li class="heading">Projects</li>
{{#projects}}<li><a href="/ui/{{org}}/{{slug}}/">{{name}}</a></li>{{/projects}}
</ul></details>
<nav aria-label="Sections">
<a href="/ui/{{org}}/issues/"{{#issues}} aria-current="page"{{/issues}}>Issues</a>
<a href="/ui/"{{#projectsPage}} aria-current="page"{{/projectsPage}}>Projects</a>
<a href="/ui/{{org}}/members"{{#membersPage}} aria-current="page"{{/membersPage}}>Members</a>
</nav>
{{/nav}}
<span class="spacer"></span>
{{#csrf}}
<a href="/ui/account">Account</a>
<form class="inline" method="post" action="/ui/logout"><input type="hidden" name="csrf" value="{{csrf}}"><button id="sign-out">Sign out</button></form>
{{/csrf}}
</header>
<main id="main">
{{{content}}}
</main></body></html>
"""#

    /// A page of text: a heading and a paragraph (no organization, an error).
    static let message = #"""
<h1>{{heading}}</h1><p>{{text}}</p>
"""#
}
