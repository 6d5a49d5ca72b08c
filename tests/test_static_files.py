"""What the browser downloads: compressed static files, uncompressed API answers."""
import httpx2
import pytest

pytestmark = pytest.mark.integration


def test_static_files_are_gzipped_but_graphql_is_not(live_stack):
    css = httpx2.get(f"{live_stack.base_url}/vendor/govuk-frontend/dist/govuk/govuk-frontend.min.css",
                    headers={"Accept-Encoding": "gzip"})
    assert css.status_code == 200 and css.headers.get("content-encoding") == "gzip"
    api = live_stack.post("{ __typename }", headers={"Accept-Encoding": "gzip"})
    assert api.headers.get("content-encoding") != "gzip"
