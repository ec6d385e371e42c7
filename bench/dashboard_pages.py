"""Times each dashboard page against the API call that reads the same data, in one run, on one
keep-alive connection each: signs in with EMAIL/PASSWORD, then for every (page, reference) pair
alternates ROUNDS requests of each and prints median and p95 in ms, and the page's size.

    dashboard_pages.py BASE_URL EMAIL PASSWORD TOKEN ISSUE_ID [ROUNDS=30]
"""
import http.client
import re
import statistics
import sys
import time
import urllib.parse


def main():
    base, email, password, token, issue = sys.argv[1:6]
    rounds = int(sys.argv[6]) if len(sys.argv) > 6 else 30
    host = urllib.parse.urlparse(base).netloc
    ui = http.client.HTTPConnection(host)
    api = http.client.HTTPConnection(host)

    ui.request("GET", "/ui/login")
    response = ui.getresponse()
    page = response.read().decode()
    cookies = {c.split("=", 1)[0]: c.split("=", 1)[1].split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []}
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf": csrf})
    ui.request("POST", "/ui/login", body, {"Content-Type": "application/x-www-form-urlencoded", "Origin": base,
                                           "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
    response = ui.getresponse()
    response.read()
    assert response.status == 303, f"sign-in answered {response.status}"
    for c in response.headers.get_all("Set-Cookie") or []:
        cookies[c.split("=", 1)[0]] = c.split("=", 1)[1].split(";", 1)[0]
    session = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items() if v)}
    bearer = {"Authorization": f"Bearer {token}"}

    pairs = [
        ("projects", "/ui/", "/api/0/organizations/acme/projects/"),
        ("stream (project)", "/ui/acme/web/", "/api/0/projects/acme/web/issues/?query=is:unresolved&limit=25&statsPeriod=24h"),
        ("stream, searched", "/ui/acme/web/?query=is%3Aunresolved+level%3Aerror+Error&environment=production",
         "/api/0/projects/acme/web/issues/?query=is%3Aunresolved%20level%3Aerror%20Error&environment=production&limit=25&statsPeriod=24h"),
        ("stream, 2nd page", "/ui/acme/web/?cursor=0%3A25%3A0", "/api/0/projects/acme/web/issues/?query=is:unresolved&limit=25&statsPeriod=24h&cursor=0:25:0"),
        ("stream (organization)", "/ui/acme/issues/", "/api/0/organizations/acme/issues/?query=is:unresolved&limit=25&statsPeriod=24h"),
        ("issue", f"/ui/acme/issues/{issue}/", f"/api/0/issues/{issue}/events/latest/"),
        ("issue, oldest event", f"/ui/acme/issues/{issue}/?event=oldest", f"/api/0/issues/{issue}/events/oldest/"),
        ("issue events", f"/ui/acme/issues/{issue}/events/", f"/api/0/issues/{issue}/events/?limit=50"),
        ("members", "/ui/acme/members", "/api/0/organizations/acme/members/"),
    ]

    def timed(connection, path, headers):
        start = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status == 200, f"GET {path} answered {response.status}: {data[:200]!r}"
        return elapsed, len(data)

    print(f"{'page':24} {'page p50':>9} {'p95':>7} {'API p50':>8} {'p95':>7} {'page KB':>8}")
    for name, page_path, api_path in pairs:
        page_times, api_times, size = [], [], 0
        timed(ui, page_path, session)  # warm
        timed(api, api_path, bearer)
        for _ in range(rounds):
            t, size = timed(ui, page_path, session)
            page_times.append(t)
            api_times.append(timed(api, api_path, bearer)[0])
        p95 = lambda xs: sorted(xs)[max(0, int(len(xs) * 0.95) - 1)]
        print(f"{name:24} {statistics.median(page_times):9.1f} {p95(page_times):7.1f} "
              f"{statistics.median(api_times):8.1f} {p95(api_times):7.1f} {size / 1024:8.1f}")


if __name__ == "__main__":
    main()
