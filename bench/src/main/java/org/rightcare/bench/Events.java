package org.rightcare.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Distinct incidents of a realistic mix, as CAD events (contract v1); {@link FhirBundles} renders the same incidents
 * as FHIR transaction Bundles for the comparison. Called from the single scheduling thread only.
 */
final class Events {

    /** Postcode districts of the demo directory, with a rough centre each. */
    static final String[][] DISTRICTS = {
        {"ME14", "51.28", "0.53"}, {"ME15", "51.26", "0.54"}, {"ME16", "51.27", "0.49"}, {"ME17", "51.22", "0.62"},
        {"ME18", "51.25", "0.40"}, {"ME19", "51.29", "0.41"}, {"ME20", "51.31", "0.46"}, {"CT1", "51.28", "1.08"},
        {"CT2", "51.29", "1.06"}, {"CT3", "51.28", "1.20"}, {"CT4", "51.24", "1.05"}, {"CT5", "51.36", "1.03"},
        {"CT6", "51.37", "1.13"}, {"TN23", "51.14", "0.86"}, {"TN24", "51.15", "0.89"}, {"TN25", "51.16", "0.93"},
        {"DA1", "51.44", "0.21"}, {"DA2", "51.43", "0.24"}};

    /** SNOMED CT presenting complaints, with a weight each (percent). */
    static final String[][] COMPLAINTS = {
        {"1912002", "Fall", "35"}, {"248279007", "Frailty", "12"}, {"2776000", "Delirium", "5"},
        {"54150009", "Upper respiratory infection", "8"}, {"50417007", "Lower respiratory tract infection", "7"},
        {"302866003", "Hypoglycaemia", "5"}, {"103735009", "Palliative care", "5"}, {"29857009", "Chest pain", "13"},
        {"422400008", "Vomiting", "10"}};

    /** ARP categories, with a weight each (percent): mostly C3/C4, some C1/C2 that the hub must send back. */
    static final String[][] CATEGORIES = {{"C1", "3"}, {"C2", "12"}, {"C3", "40"}, {"C4", "30"}, {"C5", "15"}};

    static final String[] GIVEN = {"Edith", "Arthur", "Margaret", "George", "Joan", "Harold", "Doris", "Frank"};
    static final String[] FAMILY = {"Marsh", "Baker", "Hughes", "Turner", "Wood", "Clarke", "Hall", "Ward"};

    final SplittableRandom random;
    final AtomicLong sequence = new AtomicLong();
    final String runId = Long.toString(System.currentTimeMillis(), 36).toUpperCase();
    String callbackUrl;
    static final String DISPOSITION = "Dx0122", SYMPTOM_GROUP = "SG1044", SYMPTOM_DISCRIMINATOR = "SD4052";
    static final String CITY = "Wealdshire", LOCATION_DESCRIPTION = "Home address", RESPIRATORY_RATE = "respiratory-rate";
    /** The CAD system the events come from: DEMO-CAD in the demo profile, BENCH-CAD (configured by the harness) in prod. */
    String cadSystem = "DEMO-CAD";

    /**
     * One incident as the CAD knows it at a moment: what an event carries, and what the comparison's transaction
     * Bundle carries (see {@link FhirBundles}). Times are RFC 3339 strings, as they travel.
     */
    record Incident(String cadSystem, String incidentId, String receivedAt, String category, String dispatchState,
            String complaintCode, String complaintDisplay, String nhsNumber, String givenName, String familyName,
            String birthDate, String gender, String phone, String addressLine, String postcode, double latitude,
            double longitude, int news2, int frailty, int respiratoryRate, String observedAt, boolean sceneSafe,
            String notes) {
    }

    Events(SplittableRandom random) {
        this.random = random;
    }

    String nextId(String prefix) {
        return prefix + "-" + runId + "-" + sequence.incrementAndGet();
    }

    static String pick(SplittableRandom r, String[][] weighted, int weightColumn) {
        int x = r.nextInt(100);
        for (String[] w : weighted) {
            x -= Integer.parseInt(w[weightColumn]);
            if (x < 0) return w[0];
        }
        return weighted[0][0];
    }

    String nhsNumber() {
        while (true) {
            int[] d = new int[9];
            int sum = 0;
            for (int i = 0; i < 9; i++) {
                d[i] = i == 0 ? 1 + random.nextInt(9) : random.nextInt(10);
                sum += d[i] * (10 - i);
            }
            int check = 11 - sum % 11;
            if (check == 11) check = 0;
            if (check == 10) continue;
            StringBuilder sb = new StringBuilder();
            for (int x : d) sb.append(x);
            return sb.append(check).toString();
        }
    }

    /** A new incident of the mix's category. */
    Incident created() {
        return incident(pick(random, CATEGORIES, 1));
    }

    /** An incident the routing policy offers to a community service (C3 or C4), for the open stack's pre-load. */
    Incident createdOpen() {
        return incident(random.nextBoolean() ? "C3" : "C4");
    }

    /** The CAD's re-triage from the clinical queue: the same patient and place, a new clinical picture. */
    Incident retriaged(Incident i) {
        return new Incident(i.cadSystem(), i.incidentId(), i.receivedAt(), i.category(), i.dispatchState(),
                i.complaintCode(), i.complaintDisplay(), i.nhsNumber(), i.givenName(), i.familyName(), i.birthDate(),
                i.gender(), i.phone(), i.addressLine(), i.postcode(), i.latitude(), i.longitude(), news2(random),
                3 + random.nextInt(5), 12 + random.nextInt(12), now(), i.sceneSafe(),
                "Update from the clinical queue: re-triaged.");
    }

    String cancelled(String incidentId) {
        return "{\"eventId\":\"" + nextId("BEVT") + "\",\"eventType\":\"incident.cancelled\",\"occurredAt\":\""
                + now() + "\",\"cadSystem\":\"" + cadSystem + "\",\"incident\":{\"incidentId\":\"" + incidentId
                + "\"},\"callbackUrl\":\"" + callbackUrl + "\"}";
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    static int news2(SplittableRandom random) {
        return random.nextInt(100) < 80 ? random.nextInt(5) : 5 + random.nextInt(4);
    }

    /** A new incident of the given category: a distinct patient at a place in one of the directory's districts. */
    Incident incident(String category) {
        String[] complaint = COMPLAINTS[0];
        int x = random.nextInt(100);
        for (String[] c : COMPLAINTS) {
            x -= Integer.parseInt(c[2]);
            if (x < 0) {
                complaint = c;
                break;
            }
        }
        String[] district = DISTRICTS[random.nextInt(DISTRICTS.length)];
        String postcode = district[0] + " " + (1 + random.nextInt(9)) + "AB";
        int birthYear = 1930 + random.nextInt(75);
        int news2 = news2(random);
        String dispatch = random.nextInt(100) < 70 ? "clinical-queue" : "awaiting-dispatch";
        String received = Instant.now().minusSeconds(60 + random.nextInt(600)).truncatedTo(ChronoUnit.SECONDS).toString();
        double lat = Double.parseDouble(district[1]) + (random.nextDouble() - 0.5) * 0.02;
        double lon = Double.parseDouble(district[2]) + (random.nextDouble() - 0.5) * 0.02;
        return new Incident(cadSystem, nextId("BINC"), received, category, dispatch, complaint[0], complaint[1],
                nhsNumber(), GIVEN[random.nextInt(GIVEN.length)], FAMILY[random.nextInt(FAMILY.length)],
                birthYear + "-0" + (1 + random.nextInt(9)) + "-1" + random.nextInt(10),
                random.nextBoolean() ? "female" : "male", "+447700900" + (100 + random.nextInt(900)),
                (1 + random.nextInt(200)) + " Station Road", postcode, lat, lon, news2, 3 + random.nextInt(5),
                12 + random.nextInt(12), now(), true, "Bench incident, generated.");
    }

    /** The incident as a CAD event of contract v1. */
    String event(String type, Incident i) {
        return "{\"eventId\":\"" + nextId("BEVT") + "\",\"eventType\":\"" + type + "\",\"occurredAt\":\"" + now()
                + "\",\"cadSystem\":\"" + i.cadSystem() + "\",\"incident\":{"
                + "\"incidentId\":\"" + i.incidentId() + "\",\"receivedAt\":\"" + i.receivedAt() + "\",\"category\":\""
                + i.category() + "\",\"dispatchState\":\"" + i.dispatchState() + "\",\"origin\":\"999\","
                + "\"triage\":{\"system\":\"pathways\",\"dispositionCode\":\"" + DISPOSITION + "\",\"symptomGroup\":\""
                + SYMPTOM_GROUP + "\",\"symptomDiscriminator\":\"" + SYMPTOM_DISCRIMINATOR + "\",\"ampdsDeterminant\":null},"
                + "\"presentingComplaint\":{\"system\":\"http://snomed.info/sct\",\"code\":\"" + i.complaintCode()
                + "\",\"display\":\"" + i.complaintDisplay() + "\"},"
                + "\"patient\":{\"nhsNumber\":\"" + i.nhsNumber() + "\",\"givenName\":\"" + i.givenName()
                + "\",\"familyName\":\"" + i.familyName() + "\",\"birthDate\":\"" + i.birthDate() + "\",\"gender\":\""
                + i.gender() + "\",\"phone\":\"" + i.phone() + "\",\"address\":{\"lines\":[\"" + i.addressLine()
                + "\"],\"city\":\"" + CITY + "\",\"postcode\":\"" + i.postcode() + "\"}},"
                + "\"location\":{\"postcode\":\"" + i.postcode() + "\",\"latitude\":" + coordinate(i.latitude())
                + ",\"longitude\":" + coordinate(i.longitude()) + ",\"description\":\"" + LOCATION_DESCRIPTION + "\"},"
                + "\"clinical\":{\"news2\":" + i.news2() + ",\"clinicalFrailtyScale\":" + i.frailty()
                + ",\"observations\":[{\"code\":\"" + RESPIRATORY_RATE + "\",\"value\":" + i.respiratoryRate()
                + ",\"unit\":\"/min\",\"takenAt\":\"" + i.observedAt() + "\"}],\"sceneSafe\":" + i.sceneSafe()
                + ",\"notes\":\"" + i.notes() + "\"},\"crew\":null},\"callbackUrl\":\"" + callbackUrl + "\"}";
    }

    static String coordinate(double degrees) {
        return String.format(java.util.Locale.ROOT, "%.4f", degrees);
    }
}
