extension DashboardTemplates {
    /// One issue: its facts, status and assignment actions, charts, tags, event navigation, the
    /// shown event (the `event` partial), activity and comments.
    static let issue = #"""
<p class="muted"><a href="/ui/{{org}}/{{projectSlug}}/">{{projectName}}</a> · {{shortID}}</p>
<h1 id="issue-title">{{title}}</h1>
<p class="muted">{{culprit}}</p>
<p class="facts"><span class="status" id="status">{{status}}{{#substatus}} · {{.}}{{/substatus}}</span>
<span class="level level-{{level}}">{{level}}</span>
{{events}} events · {{users}} users ·
first seen {{firstSeen}}{{#firstRelease}} in {{.}}{{/firstRelease}} ·
last seen {{lastSeen}}{{#lastRelease}} in {{.}}{{/lastRelease}}{{#resolvedIn}} · resolved in {{.}}{{/resolvedIn}}</p>
<p><span id="assignee">{{#assignedTo}}Assigned to {{.}}{{/assignedTo}}{{^assignedTo}}Unassigned{{/assignedTo}}</span></p>

<div class="actions" id="actions">
{{#statusButtons}}
<form class="inline" method="post" action="/ui/{{org}}/issues/{{id}}/status"><input type="hidden" name="csrf" value="{{csrf}}">
<input type="hidden" name="status" value="{{value}}"><button>{{label}}</button></form>
{{/statusButtons}}
{{#unresolved}}
<details><summary>Resolve in a release</summary>
<form method="post" action="/ui/{{org}}/issues/{{id}}/status"><input type="hidden" name="csrf" value="{{csrf}}">
<input type="hidden" name="status" value="resolvedInRelease">
<label>Release <input type="text" name="release" value="{{lastReleaseValue}}" required></label> <button>Resolve in release</button></form>
</details>
<details><summary>Ignore until…</summary>
<form method="post" action="/ui/{{org}}/issues/{{id}}/status"><input type="hidden" name="csrf" value="{{csrf}}">
<input type="hidden" name="status" value="ignored">
<p><label>for minutes <input type="number" name="ignoreDuration" min="1"></label></p>
<p><label>until it occurs <input type="number" name="ignoreCount" min="1"> more times</label>
<label>within minutes <input type="number" name="ignoreWindow" min="1"></label></p>
<p><label>until it affects <input type="number" name="ignoreUserCount" min="1"> more users</label>
<label>within minutes <input type="number" name="ignoreUserWindow" min="1"></label></p>
<button>Ignore with these conditions</button></form>
</details>
{{/unresolved}}
<form class="inline" id="assign" method="post" action="/ui/{{org}}/issues/{{id}}/assign"><input type="hidden" name="csrf" value="{{csrf}}">
<label>Assign to <select name="assignee"><option value="">nobody</option>{{#assignees}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/assignees}}</select></label>
<button>Assign</button></form>
</div>

<div class="grid2">
<section class="card" aria-labelledby="chart-24h"><h2 id="chart-24h">Events, last 24 hours</h2>{{{chartDay}}}</section>
<section class="card" aria-labelledby="chart-14d"><h2 id="chart-14d">Events, last 14 days</h2>{{{chartFortnight}}}</section>
</div>

<section aria-labelledby="tags-heading"><h2 id="tags-heading">Tags</h2>
<div class="grid2" id="tags">
{{#tags}}<div class="card"><h3>{{key}}</h3>
{{#values}}<div class="tagvalue"><div class="facts"><span>{{value}}</span><span class="spacer"></span><span class="muted">{{count}} · {{percent}}%</span></div>
<span class="bar" style="width:{{percent}}%" aria-hidden="true"></span></div>{{/values}}</div>{{/tags}}
{{^tags}}<p class="muted">No tags.</p>{{/tags}}
</div></section>

<nav class="pager" aria-label="Events" id="event-nav">
<a href="/ui/{{org}}/issues/{{id}}/?event=oldest">Oldest</a>
{{#previousEvent}}<a href="/ui/{{org}}/issues/{{id}}/?event={{.}}" rel="prev" id="previous-event">Previous</a>{{/previousEvent}}
{{#nextEvent}}<a href="/ui/{{org}}/issues/{{id}}/?event={{.}}" rel="next" id="next-event">Next</a>{{/nextEvent}}
<a href="/ui/{{org}}/issues/{{id}}/?event=latest">Latest</a>
<a href="/ui/{{org}}/issues/{{id}}/events/">All events</a>
</nav>
{{#event}}{{>event}}{{/event}}
{{^event}}<p class="muted">No stored event.</p>{{/event}}

<section aria-labelledby="activity-heading"><h2 id="activity-heading">Activity</h2>
<form method="post" action="/ui/{{org}}/issues/{{id}}/comments" id="comment"><input type="hidden" name="csrf" value="{{csrf}}">
<label for="comment-text">Comment</label><br><textarea id="comment-text" name="text" rows="3" style="width:min(600px,100%)" required></textarea><br><button>Comment</button></form>
<ul class="crumbs" id="activity">{{#activity}}<li><span class="muted">{{date}}</span> <b>{{kind}}</b> {{text}}</li>{{/activity}}</ul>
</section>
"""#

    /// The events of an issue, newest first, a page at a time.
    static let events = #"""
<p class="muted"><a href="/ui/{{org}}/issues/{{id}}/">{{shortID}}</a></p>
<h1>Events of {{title}}</h1>
<div class="scroll"><table id="events"><thead><tr><th scope="col">Event</th><th scope="col">Time</th><th scope="col">Release</th><th scope="col">Environment</th><th scope="col">User</th></tr></thead><tbody>
{{#rows}}<tr><td><a href="/ui/{{org}}/issues/{{id}}/?event={{eventID}}">{{eventID}}</a></td><td>{{time}}</td><td>{{release}}</td><td>{{environment}}</td><td>{{user}}</td></tr>{{/rows}}
</tbody></table></div>
<nav class="pager" aria-label="Pages">{{#previous}}<a href="{{.}}" rel="prev">← Newer</a>{{/previous}}{{#next}}<a href="{{.}}" rel="next">Older →</a>{{/next}}</nav>
"""#
}
