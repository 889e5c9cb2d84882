package org.rightcare.hub.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rightcare.hub.directory.IncidentFixtures.location;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Catchments by postcode district and by area, and which part of a location each one can match. */
class CatchmentTest {

    private static final Catchment.GeoPoint MAIDSTONE = new Catchment.GeoPoint(51.2720, 0.5290);

    private static final Catchment DISTRICTS = new Catchment(List.of("ME14", "ME15"), List.of());
    private static final Catchment CIRCLE = new Catchment(List.of(),
            List.of(new Catchment.Circle("Maidstone centre", MAIDSTONE, 5)));
    /** Swanley: a rectangle of about 3.3 km by 3.5 km. */
    private static final Catchment POLYGON = new Catchment(List.of(), List.of(new Catchment.Polygon("Swanley",
            List.of(new Catchment.GeoPoint(51.4170, 0.1470), new Catchment.GeoPoint(51.4170, 0.1950),
                    new Catchment.GeoPoint(51.3850, 0.1950), new Catchment.GeoPoint(51.3850, 0.1470)))));
    private static final Catchment BOTH = new Catchment(List.of("CT1"), List.of(new Catchment.Circle("Maidstone centre",
            MAIDSTONE, 5)));

    @ParameterizedTest
    @CsvSource({ "ME14 1AB, ME14", "me141ab, ME14", "ME1 1AA, ME1", "ME11AA, ME1", " TN23 4AB , TN23", "DA1, DA1",
            "EC1A 1BB, EC1A", "W1A 0AX, W1A" })
    void theDistrictIsTheOutwardCode(String postcode, String district) {
        assertEquals(Optional.of(district), Catchment.districtOf(postcode));
    }

    @ParameterizedTest
    @CsvSource({ "not a postcode", "12345", "ME", "''" })
    void somethingThatIsNotAPostcodeHasNoDistrict(String postcode) {
        assertEquals(Optional.empty(), Catchment.districtOf(postcode));
    }

    @Test
    void coversAPostcodeInOneOfItsDistricts() {
        assertTrue(DISTRICTS.covers(location("ME14 1AB", null, null)));
        assertTrue(DISTRICTS.covers(location("me15 6xy", null, null)));
        assertFalse(DISTRICTS.covers(location("ME16 0AA", null, null)));
        // ME1 is not ME14, although one begins the other.
        assertFalse(DISTRICTS.covers(location("ME1 4AB", null, null)));
    }

    @Test
    void coversCoordinatesInsideACircle() {
        assertTrue(CIRCLE.covers(location(null, 51.2787, 0.5217))); // under 1 km from the centre
        assertTrue(CIRCLE.covers(location(null, 51.3150, 0.5290))); // 4.8 km north
        assertFalse(CIRCLE.covers(location(null, 51.3180, 0.5290))); // 5.1 km north
    }

    @Test
    void coversCoordinatesInsideAPolygon() {
        assertTrue(POLYGON.covers(location(null, 51.4000, 0.1700)));
        assertFalse(POLYGON.covers(location(null, 51.4000, 0.2000)));
        assertFalse(POLYGON.covers(location(null, 51.4200, 0.1700)));
    }

    @Test
    void aLocationWithOnlyAPostcodeCannotMatchAnArea() {
        assertFalse(CIRCLE.covers(location("ME14 1AB", null, null)));
    }

    @Test
    void aLocationWithOnlyCoordinatesCannotMatchADistrict() {
        assertFalse(DISTRICTS.covers(location(null, 51.2787, 0.5217)));
    }

    @Test
    void aLocationWithBothMatchesEitherTheDistrictOrTheArea() {
        assertTrue(BOTH.covers(location("CT1 2AB", 51.0, 1.0))); // district only
        assertTrue(BOTH.covers(location("ME14 1AB", 51.2787, 0.5217))); // area only
        assertFalse(BOTH.covers(location("ME14 1AB", 51.0, 1.0))); // neither
    }

    @Test
    void aMissingLocationIsNotCovered() {
        assertFalse(BOTH.covers(null));
        assertFalse(BOTH.covers(location(null, null, null)));
        assertFalse(BOTH.covers(location(null, 51.2787, null)));
    }
}
