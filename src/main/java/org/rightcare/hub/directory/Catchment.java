package org.rightcare.hub.directory;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import org.rightcare.hub.referral.Incident;

/**
 * Where a service takes patients from: postcode districts (the outward code of a postcode, such as {@code ME14}),
 * geographic areas (a circle or a polygon of WGS84 points), or both. A patient is covered when the postcode of
 * where they are now is in one of the districts, or the coordinates are inside one of the areas: a location with
 * only coordinates can only match an area, one with only a postcode only a district.
 */
public record Catchment(List<String> postcodeDistricts, List<Area> areas) {

    /** The outward code: one or two letters, a digit, then an optional digit or letter (A9, A9A, AA99, ...). */
    static final Pattern DISTRICT = Pattern.compile("[A-Z]{1,2}[0-9][A-Z0-9]?");
    private static final Pattern FULL_POSTCODE = Pattern.compile("([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})");
    /** Compiled once: the router asks for the district of the same postcode once per service it considers. */
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final double EARTH_RADIUS_KM = 6371.0088;

    public Catchment {
        postcodeDistricts = List.copyOf(postcodeDistricts);
        areas = List.copyOf(areas);
    }

    /** A named geographic area; the name is for people reading the directory and the FHIR rendering. */
    public sealed interface Area permits Circle, Polygon {
        String name();

        boolean contains(GeoPoint point);
    }

    /** WGS84 decimal degrees, as the CAD sends them. */
    public record GeoPoint(double latitude, double longitude) {
    }

    /** Everything within {@code radiusKm} of the centre, by great-circle distance. */
    public record Circle(String name, GeoPoint centre, double radiusKm) implements Area {
        @Override
        public boolean contains(GeoPoint point) {
            return distanceKm(centre, point) <= radiusKm;
        }
    }

    /**
     * The inside of a simple polygon given by its corners in order (not closed: the last corner joins the first).
     * Latitude and longitude are treated as plane coordinates, which is accurate enough at the scale of a
     * catchment and away from the poles and the antimeridian.
     */
    public record Polygon(String name, List<GeoPoint> corners) implements Area {
        public Polygon {
            corners = List.copyOf(corners);
        }

        @Override
        public boolean contains(GeoPoint point) {
            boolean inside = false;
            double x = point.longitude();
            double y = point.latitude();
            for (int i = 0, j = corners.size() - 1; i < corners.size(); j = i++) {
                GeoPoint a = corners.get(i);
                GeoPoint b = corners.get(j);
                boolean crosses = (a.latitude() > y) != (b.latitude() > y);
                if (crosses && x < (b.longitude() - a.longitude()) * (y - a.latitude())
                        / (b.latitude() - a.latitude()) + a.longitude()) {
                    inside = !inside;
                }
            }
            return inside;
        }
    }

    public boolean covers(Incident.IncidentLocation location) {
        if (location == null) {
            return false;
        }
        Optional<String> district = districtOf(location.postcode());
        if (district.isPresent() && postcodeDistricts.contains(district.get())) {
            return true;
        }
        if (location.latitude() != null && location.longitude() != null) {
            GeoPoint point = new GeoPoint(location.latitude().doubleValue(), location.longitude().doubleValue());
            return areas.stream().anyMatch(area -> area.contains(point));
        }
        return false;
    }

    /**
     * The postcode district of a full postcode ({@code "ME14 1AB"}, {@code "me141ab"}) or of an outward code given on
     * its own ({@code "ME14"}); empty for anything that is not a UK postcode.
     */
    public static Optional<String> districtOf(String postcode) {
        if (postcode == null) {
            return Optional.empty();
        }
        String text = SPACES.matcher(postcode.trim().toUpperCase(Locale.ROOT)).replaceAll(" ");
        var full = FULL_POSTCODE.matcher(text);
        if (full.matches()) {
            return Optional.of(full.group(1));
        }
        return DISTRICT.matcher(text).matches() ? Optional.of(text) : Optional.empty();
    }

    /** Haversine distance. */
    static double distanceKm(GeoPoint a, GeoPoint b) {
        double lat1 = Math.toRadians(a.latitude());
        double lat2 = Math.toRadians(b.latitude());
        double dLat = lat2 - lat1;
        double dLon = Math.toRadians(b.longitude() - a.longitude());
        double h = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(lat1) * Math.cos(lat2) * Math.pow(Math.sin(dLon / 2), 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
    }
}
