extension DashboardTemplates {
    /// The projects of the organization with their unresolved counts.
    static let projects = #"""
<h1>{{org}}</h1>
<div class="scroll"><table><thead><tr><th scope="col">Project</th><th scope="col" class="num">Unresolved issues</th></tr></thead><tbody>
{{#rows}}<tr><td><a href="/ui/{{org}}/{{slug}}/">{{name}}</a></td><td class="num">{{unresolved}}</td></tr>{{/rows}}
</tbody></table></div>
<p><a href="/ui/{{org}}/issues/">All issues of {{org}}</a> · <a href="/ui/{{org}}/members">Members and teams</a></p>
"""#

    /// The issue stream of a project or of the whole organization: search, status tabs, sort,
    /// environment and period pickers, rows, cursor pagination and bulk triage (one form).
    static let stream = #"""
<h1>{{heading}}</h1>
<form method="get" action="{{path}}" role="search" class="toolbar" id="search">
<label for="query">Search</label>
<input type="search" id="query" name="query" value="{{query}}" placeholder="is:unresolved level:error …">
<label>Sort <select name="sort">{{#sorts}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/sorts}}</select></label>
<label>Environment <select name="environment"><option value="">All</option>{{#environments}}<option{{#selected}} selected{{/selected}}>{{name}}</option>{{/environments}}</select></label>
<label>Period <select name="statsPeriod">{{#periods}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/periods}}</select></label>
<button type="submit">Search</button>
</form>
<ul class="tabs" aria-label="Status">{{#tabs}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/tabs}}</ul>
{{#error}}<p class="error" role="alert" id="search-error">{{error}}</p>{{/error}}
{{^error}}
<form method="post" action="/ui/{{org}}/issues/bulk" id="bulk">
<input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="return" value="{{returnTo}}">
<div class="toolbar" aria-label="Bulk actions">
<button name="action" value="resolve">Resolve</button>
<button name="action" value="ignore">Ignore</button>
<button name="action" value="merge">Merge</button>
<label>Assign to <select name="assignee"><option value="">nobody</option>{{#assignees}}<option value="{{value}}">{{label}}</option>{{/assignees}}</select></label>
<button name="action" value="assign">Assign</button>
</div>
<fieldset><legend class="skip">Issues</legend>
<ul class="stream" id="issues">
{{#rows}}
<li class="issue">
<span class="pick"><input type="checkbox" name="id" value="{{id}}" aria-label="Select {{shortID}}"></span>
<div class="main"><a class="title" href="/ui/{{org}}/issues/{{id}}/">{{title}}</a>
<div class="muted">{{shortID}} · {{culprit}}</div>
<div class="facts"><span class="level level-{{level}}">{{level}}</span>{{#substatus}}<span class="status">{{.}}</span>{{/substatus}}
<span class="muted">first seen {{firstSeen}} · last seen {{lastSeen}}</span>{{#release}}<span class="muted">release {{.}}</span>{{/release}}
{{#assignedTo}}<span class="muted assignee">assigned to {{.}}</span>{{/assignedTo}}</div></div>
<div class="facts">{{{sparkline}}}<span class="count" title="events">{{events}} ev</span><span class="count" title="users">{{users}} users</span></div>
</li>
{{/rows}}
{{^rows}}<li class="muted">No issues match.</li>{{/rows}}
</ul></fieldset>
</form>
<nav class="pager" aria-label="Pages">{{#previous}}<a href="{{.}}" rel="prev">← Newer</a>{{/previous}}{{#next}}<a href="{{.}}" rel="next">Older →</a>{{/next}}</nav>
{{/error}}
"""#
}

extension DashboardTemplates {
    /// The organization's members, invitations and teams, with the forms of those who may change them.
    static let members = #"""
<h1>Members of {{org}}</h1>
{{#inviteLink}}<p class="notice" role="status" id="invite-link">Invitation link (shown once; send it to them): <code>{{inviteLink}}</code></p>{{/inviteLink}}
<div class="scroll"><table id="members"><thead><tr><th scope="col">Email</th><th scope="col">Role and teams</th><th scope="col">Since</th><th scope="col">Actions</th></tr></thead><tbody>
{{#members}}<tr><td>{{email}}{{#pending}} <span class="muted">(invited{{#expired}}, expired{{/expired}})</span>{{/pending}}</td>
<td>{{#canEdit}}<form class="inline" method="post" action="/ui/{{org}}/members/{{id}}/edit"><input type="hidden" name="csrf" value="{{csrf}}">
<select name="role" aria-label="Role of {{email}}">{{#roles}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/roles}}</select>
{{#hasTeams}}<select name="teams" multiple aria-label="Teams of {{email}}">{{#teamOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>#{{value}}</option>{{/teamOptions}}</select>{{/hasTeams}}
<button type="submit">Save</button></form>{{/canEdit}}{{^canEdit}}{{role}} <span class="muted">{{teams}}</span>{{/canEdit}}</td>
<td class="muted">{{joined}}</td>
<td>{{#canRemove}}<form class="inline" method="post" action="/ui/{{org}}/members/{{id}}/remove"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" aria-label="Remove {{email}}">{{#pending}}Withdraw{{/pending}}{{^pending}}Remove{{/pending}}</button></form>{{/canRemove}}</td></tr>{{/members}}
</tbody></table></div>
{{#canEdit}}<h2>Invite</h2>
<form method="post" action="/ui/{{org}}/members/invite" id="invite"><input type="hidden" name="csrf" value="{{csrf}}">
<label>Email <input type="email" name="email" required maxlength="254"></label>
<label>Role <select name="role">{{#inviteRoles}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/inviteRoles}}</select></label>
{{#hasTeams}}<label>Teams <select name="teams" multiple>{{#inviteTeams}}<option value="{{value}}">#{{value}}</option>{{/inviteTeams}}</select></label>{{/hasTeams}}
<button type="submit">Invite</button></form>{{/canEdit}}
<h2>Teams</h2>
<div class="scroll"><table id="teams"><thead><tr><th scope="col">Team</th><th scope="col" class="num">Members</th><th scope="col">Projects</th></tr></thead><tbody>
{{#teams}}<tr><td>#{{slug}}</td><td class="num">{{count}}</td><td>{{projects}}</td></tr>{{/teams}}
{{^teams}}<tr><td colspan="3" class="muted">No teams yet.</td></tr>{{/teams}}
</tbody></table></div>
{{#canTeams}}<form method="post" action="/ui/{{org}}/teams/new" id="new-team"><input type="hidden" name="csrf" value="{{csrf}}">
<label>New team <input name="slug" required maxlength="50" pattern="[a-z0-9_-]+"></label> <button type="submit">Create</button></form>{{/canTeams}}
{{#canAudit}}<p><a href="/ui/{{org}}/audit-log">Audit log</a></p>{{/canAudit}}
"""#

    /// The organization's audit log, newest first (`org:write`, as the API's).
    static let auditLog = #"""
<h1>Audit log of {{org}}</h1>
<div class="scroll"><table id="audit-log"><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Details</th></tr></thead><tbody>
{{#entries}}<tr><td class="muted">{{when}}</td><td>{{actor}}{{#ip}} <span class="muted">{{ip}}</span>{{/ip}}</td><td>{{event}}</td><td><code>{{data}}</code></td></tr>{{/entries}}
{{^entries}}<tr><td colspan="4" class="muted">Nothing recorded yet.</td></tr>{{/entries}}
</tbody></table></div>
{{#next}}<p><a href="/ui/{{org}}/audit-log?offset={{next}}">Older</a></p>{{/next}}
"""#
}
