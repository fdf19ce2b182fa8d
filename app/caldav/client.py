"""The CalDAV server as Samverkan needs it, over the `caldav` library: list the calendar's
events with their ETags, read one, write one, delete one. Everything else the library does
(discovery, XML, HTTP) stays behind this module; its errors come out as `CaldavFailed`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import caldav
from caldav.elements import dav
from caldav.lib import error as dav_error

#: Used when CALDAV_CALENDAR is not set: the calendar is created if the account lacks it.
DEFAULT_CALENDAR = "Samverkan"


class CaldavFailed(Exception):
    """The server could not be reached or refused a request; the message is for an operator
    (it never holds the password)."""


@dataclass(frozen=True)
class CaldavSettings:
    url: str
    username: str | None
    password: str | None
    calendar: str
    timeout: int
    #: "basic": the credentials go with the first request (a server that is asked
    #: without them answers 401 first, and Radicale waits a second before each such
    #: answer); "negotiate": wait for the server's challenge (a Digest-only server).
    auth: str = "basic"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> CaldavSettings | None:
        """The settings, or None when CALDAV_URL is unset (the sync is off)."""
        url = config.get("CALDAV_URL")
        if not url:
            return None
        return cls(
            url=str(url),
            username=config.get("CALDAV_USERNAME") or None,
            password=config.get("CALDAV_PASSWORD") or None,
            calendar=str(config.get("CALDAV_CALENDAR") or DEFAULT_CALENDAR),
            timeout=int(config.get("CALDAV_TIMEOUT") or 30),
            auth="negotiate"
            if str(config.get("CALDAV_AUTH") or "basic").lower() == "negotiate"
            else "basic",
        )


def href_of(url: object) -> str:
    """An event's address as it is kept: the unquoted path on the server."""
    return unquote(urlsplit(str(url)).path)


class RemoteCalendar:
    """One calendar collection on the server."""

    def __init__(self, settings: CaldavSettings) -> None:
        try:
            self._client = caldav.DAVClient(
                url=settings.url,
                username=settings.username,
                password=settings.password,
                timeout=settings.timeout,
                auth_type="basic"
                if settings.auth == "basic" and settings.username and settings.password
                else None,
            )
            principal = self._client.principal()
            try:
                self._calendar = principal.calendar(name=settings.calendar)
            except dav_error.NotFoundError:
                self._calendar = principal.make_calendar(name=settings.calendar)
        except (dav_error.DAVError, OSError) as error:
            raise CaldavFailed(_reason("connect to", settings.url, error)) from None
        self.url = str(self._calendar.url)

    def _event(self, href: str, data: str | None = None) -> Any:
        url = self._calendar.url.join(quote(href))
        return caldav.Event(self._client, url=url, data=data, parent=self._calendar)

    def listing(self) -> dict[str, str | None]:
        """Every event's href with its ETag: one PROPFIND (Depth 1) for getetag, without the
        events' text. (A sync-collection REPORT without a token also names deleted events on
        some servers, Radicale among them, so it is not used.)"""
        try:
            response = self._calendar.get_properties(
                [dav.GetEtag()], depth=1, parse_response_xml=False
            )
        except (dav_error.DAVError, OSError) as error:
            raise CaldavFailed(_reason("list", self.url, error)) from None
        own = href_of(self._calendar.url).rstrip("/")
        found: dict[str, str | None] = {}
        for result in response.results or []:
            href = href_of(result.href)
            if href.rstrip("/") == own or href.endswith("/"):
                continue
            if getattr(result, "status", 200) not in (200, None):
                continue
            found[href] = result.properties.get(dav.GetEtag.tag)
        return found

    def read(self, href: str) -> tuple[str, str | None] | None:
        """The event's text and ETag, or None when it is no longer there."""
        event = self._event(href)
        try:
            event.load()
        except dav_error.NotFoundError:
            return None
        except (dav_error.DAVError, OSError) as error:
            raise CaldavFailed(_reason("read", href, error)) from None
        return event.data, event.etag

    def write(
        self, href: str | None, uid: str, text: str, *, if_match: str | None = None
    ) -> tuple[str, str | None] | None:
        """Create or replace the event as it is (SEQUENCE untouched); a new one is named after
        its UID. With `if_match`, only if the server's copy still has that ETag: None when it
        has changed since (the next sync reads the change). Returns the href and the ETag
        the server gave (None if it gave none)."""
        if href is None:
            href = href_of(self._calendar.url.join(quote(uid.replace("/", "_")) + ".ics"))
        event = self._event(href, data=text)
        if if_match and not if_match.startswith("W/"):
            event.props[dav.GetEtag.tag] = if_match
        try:
            event.save(increase_seqno=False, precondition="etag")
        except dav_error.ETagMismatchError:
            return None
        except (dav_error.DAVError, OSError) as error:
            raise CaldavFailed(_reason("write", href, error)) from None
        return href, event.etag

    def delete(self, href: str) -> None:
        """Delete the event; one that is already gone is no error."""
        try:
            self._event(href).delete()
        except dav_error.NotFoundError:
            return
        except (dav_error.DAVError, OSError) as error:
            raise CaldavFailed(_reason("delete", href, error)) from None


def _reason(what: str, where: str, error: Exception) -> str:
    detail = str(error).splitlines()[0] if str(error) else type(error).__name__
    return f"CalDAV: could not {what} {where}: {detail[:200]}"


def connect(settings: CaldavSettings) -> RemoteCalendar:
    """The configured calendar, created on the server if the account does not have it."""
    return RemoteCalendar(settings)
