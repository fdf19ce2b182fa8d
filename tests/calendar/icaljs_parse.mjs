// Parse an iCalendar file with Mozilla's ICAL.js and print what it understood as JSON.
//
//   node tests/calendar/icaljs_parse.mjs FILE.ics
//
// Prints {method, calendar: {...}, timezones: [...], events: [...]}; timed events carry
// their UTC instants (from toUnixTime(), so through the file's VTIMEZONE), all-day events
// their DATE strings. Used by tests/calendar/test_interop.py, once per file.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const path = process.argv[2];
if (!path) {
  console.error("usage: node icaljs_parse.mjs FILE.ics");
  process.exit(2);
}

const text = readFileSync(path, "utf8");
const root = new ICAL.Component(ICAL.parse(text));

// Register the file's own time zones so TZID=... resolves through its VTIMEZONE rules.
const timezones = [];
for (const component of root.getAllSubcomponents("vtimezone")) {
  const zone = new ICAL.Timezone(component);
  ICAL.TimezoneService.register(zone);
  timezones.push({
    tzid: zone.tzid,
    rrules: component
      .getAllSubcomponents()
      .flatMap((rule) => rule.getAllProperties("rrule").map((p) => p.getFirstValue().toString())),
    rdates: component
      .getAllSubcomponents()
      .reduce((n, rule) => n + rule.getAllProperties("rdate").length, 0),
  });
}

const iso = (time) => new Date(time.toUnixTime() * 1000).toISOString().replace(".000Z", "Z");
const value = (component, name) => {
  const v = component.getFirstPropertyValue(name);
  return v === null || v === undefined ? null : v.toString();
};
const person = (property) => ({
  value: property.getFirstValue(),
  cn: property.getParameter("cn") ?? null,
  role: property.getParameter("role") ?? null,
  partstat: property.getParameter("partstat") ?? null,
  rsvp: property.getParameter("rsvp") ?? null,
  cutype: property.getParameter("cutype") ?? null,
});

const events = root.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  const start = event.startDate;
  const end = event.endDate;
  const allDay = start.isDate;
  const organizer = component.getFirstProperty("organizer");
  return {
    uid: event.uid,
    sequence: event.sequence,
    summary: event.summary ?? null,
    location: event.location ?? null,
    description: event.description ?? null,
    status: value(component, "status"),
    transp: value(component, "transp"),
    all_day: allDay,
    start_tzid: allDay ? null : start.zone ? start.zone.tzid : null,
    start_utc: allDay ? null : iso(start),
    end_utc: allDay ? null : iso(end),
    start_date: allDay ? start.toString() : null,
    end_date: allDay ? end.toString() : null,
    organizer: organizer ? person(organizer) : null,
    attendees: component.getAllProperties("attendee").map(person),
  };
});

const calendar = {};
for (const name of [
  "prodid",
  "version",
  "method",
  "name",
  "x-wr-calname",
  "x-wr-caldesc",
  "refresh-interval",
  "x-published-ttl",
]) {
  calendar[name] = value(root, name);
}

process.stdout.write(
  JSON.stringify({ method: calendar.method, calendar, timezones, events }) + "\n",
);
