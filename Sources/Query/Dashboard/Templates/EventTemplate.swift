extension DashboardTemplates {
    /// The shown event (a partial of `issue`): exceptions with frames (in-app frames open, runs
    /// of system frames in a closed <details>), message, breadcrumbs, request, user, contexts,
    /// SDK and tags. Every value is event data and goes through `{{…}}`.
    static let event = #"""
<section id="event" aria-labelledby="event-heading">
<h2 id="event-heading">Event <span class="muted" id="event-id">{{eventID}}</span></h2>
<p class="muted">{{time}}{{#release}} · release <span id="event-release">{{.}}</span>{{/release}}{{#environment}} · environment {{.}}{{/environment}}
· <a href="/ui/{{org}}/issues/{{id}}/events/{{eventID}}/json">Raw JSON</a></p>
{{#message}}<pre id="message">{{.}}</pre>{{/message}}
{{#exceptions}}
<div class="exception">
<h3><span class="exc-type">{{type}}</span>{{#value}}: <span class="exc-value">{{.}}</span>{{/value}}</h3>
{{#fullValue}}<details><summary>Whole value</summary><pre>{{.}}</pre></details>{{/fullValue}}
{{#mechanism}}<p class="muted">mechanism: {{.}}</p>{{/mechanism}}
<div class="frames">
{{#groups}}
{{#app}}{{#frames}}{{>frame}}{{/frames}}{{/app}}
{{^app}}<details class="system"><summary class="muted">{{count}} system frame(s)</summary>{{#frames}}{{>frame}}{{/frames}}</details>{{/app}}
{{/groups}}
</div>
{{#raw}}<details><summary class="muted">Raw stack trace (as sent, before symbolication)</summary>{{#frames}}{{>frame}}{{/frames}}</details>{{/raw}}
</div>
{{/exceptions}}
{{#hasCrumbs}}
<h3>Breadcrumbs</h3>
<ol class="crumbs" id="breadcrumbs">{{#crumbs}}<li><span class="muted">{{time}}</span> <span class="level level-{{level}}">{{level}}</span> <b>{{category}}</b> {{message}}{{#data}}<div class="code">{{.}}</div>{{/data}}</li>{{/crumbs}}</ol>
{{/hasCrumbs}}
<div class="grid2">
{{#sections}}<section class="card" id="{{anchor}}"><h3>{{heading}}</h3><dl class="kv">{{#pairs}}<dt>{{key}}</dt><dd>{{value}}</dd>{{/pairs}}</dl>
{{#traceEvents}}<p>Other errors of this trace:</p><ul>{{#list}}<li><a href="/ui/{{org}}/issues/{{issueID}}/?event={{eventID}}">{{title}}</a></li>{{/list}}</ul>{{/traceEvents}}</section>{{/sections}}
</div>
</section>
"""#

    /// One frame: where, which function, source context and local variables.
    static let frame = #"""
<div class="frame{{#inApp}} app{{/inApp}}"><span class="where">{{location}}{{#line}}:{{.}}{{/line}}{{#column}}:{{.}}{{/column}}</span> in <b>{{function}}</b>
{{#hasContext}}<pre class="context">{{#context}}<span class="line{{#current}} current{{/current}}">{{number}}  {{code}}</span>{{/context}}</pre>{{/hasContext}}
{{#hasVars}}<details><summary>Local variables</summary><dl class="kv">{{#vars}}<dt>{{key}}</dt><dd>{{value}}</dd>{{/vars}}</dl></details>{{/hasVars}}
</div>
"""#
}
