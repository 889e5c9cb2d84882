package org.rightcare.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Distinct CAD events (contract v1) of a realistic mix, and the equivalent FHIR transaction Bundle for the
 * comparison mode. Called from the single scheduling thread only.
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
    /** The CAD system the events come from: DEMO-CAD in the demo profile, BENCH-CAD (configured by the harness) in prod. */
    String cadSystem = "DEMO-CAD";

    record Created(String incidentId, String category, String json) {
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

    Created created() {
        String incidentId = nextId("BINC");
        String category = pick(random, CATEGORIES, 1);
        return new Created(incidentId, category, event("incident.created", incidentId, category, false));
    }

    /** An incident the routing policy offers to a community service (C3 or C4), for the open stack's pre-load. */
    Created createdOpen() {
        String incidentId = nextId("BINC");
        String category = random.nextBoolean() ? "C3" : "C4";
        return new Created(incidentId, category, event("incident.created", incidentId, category, false));
    }

    String updated(String incidentId, String category) {
        return event("incident.updated", incidentId, category, true);
    }

    String cancelled(String incidentId) {
        return "{\"eventId\":\"" + nextId("BEVT") + "\",\"eventType\":\"incident.cancelled\",\"occurredAt\":\""
                + now() + "\",\"cadSystem\":\"" + cadSystem + "\",\"incident\":{\"incidentId\":\"" + incidentId
                + "\"},\"callbackUrl\":\"" + callbackUrl + "\"}";
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    String event(String type, String incidentId, String category, boolean update) {
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
        int news2 = random.nextInt(100) < 80 ? random.nextInt(5) : 5 + random.nextInt(4);
        String dispatch = random.nextInt(100) < 70 ? "clinical-queue" : "awaiting-dispatch";
        String now = now();
        String received = Instant.now().minusSeconds(60 + random.nextInt(600)).truncatedTo(ChronoUnit.SECONDS).toString();
        double lat = Double.parseDouble(district[1]) + (random.nextDouble() - 0.5) * 0.02;
        double lon = Double.parseDouble(district[2]) + (random.nextDouble() - 0.5) * 0.02;
        return "{\"eventId\":\"" + nextId("BEVT") + "\",\"eventType\":\"" + type + "\",\"occurredAt\":\"" + now
                + "\",\"cadSystem\":\"" + cadSystem + "\",\"incident\":{"
                + "\"incidentId\":\"" + incidentId + "\",\"receivedAt\":\"" + received + "\",\"category\":\"" + category
                + "\",\"dispatchState\":\"" + dispatch + "\",\"origin\":\"999\","
                + "\"triage\":{\"system\":\"pathways\",\"dispositionCode\":\"Dx0122\",\"symptomGroup\":\"SG1044\","
                + "\"symptomDiscriminator\":\"SD4052\",\"ampdsDeterminant\":null},"
                + "\"presentingComplaint\":{\"system\":\"http://snomed.info/sct\",\"code\":\"" + complaint[0]
                + "\",\"display\":\"" + complaint[1] + "\"},"
                + "\"patient\":{\"nhsNumber\":\"" + nhsNumber() + "\",\"givenName\":\"" + GIVEN[random.nextInt(GIVEN.length)]
                + "\",\"familyName\":\"" + FAMILY[random.nextInt(FAMILY.length)] + "\",\"birthDate\":\"" + birthYear
                + "-0" + (1 + random.nextInt(9)) + "-1" + random.nextInt(10) + "\",\"gender\":\""
                + (random.nextBoolean() ? "female" : "male") + "\",\"phone\":\"+447700900" + (100 + random.nextInt(900))
                + "\",\"address\":{\"lines\":[\"" + (1 + random.nextInt(200)) + " Station Road\"],\"city\":\"Wealdshire\","
                + "\"postcode\":\"" + postcode + "\"}},"
                + "\"location\":{\"postcode\":\"" + postcode + "\",\"latitude\":" + String.format(java.util.Locale.ROOT, "%.4f", lat)
                + ",\"longitude\":" + String.format(java.util.Locale.ROOT, "%.4f", lon) + ",\"description\":\"Home address\"},"
                + "\"clinical\":{\"news2\":" + news2 + ",\"clinicalFrailtyScale\":" + (3 + random.nextInt(5))
                + ",\"observations\":[{\"code\":\"respiratory-rate\",\"value\":" + (12 + random.nextInt(12))
                + ",\"unit\":\"/min\",\"takenAt\":\"" + now + "\"}],\"sceneSafe\":true,\"notes\":\""
                + (update ? "Update from the clinical queue: re-triaged." : "Bench incident, generated.")
                + "\"},\"crew\":null},\"callbackUrl\":\"" + callbackUrl + "\"}";
    }

    /**
     * The same incident as a FHIR R4 transaction Bundle (Patient, Encounter, ServiceRequest, Task), each with a
     * conditional create on its business identifier, as a FHIR server without the hub would have to store it.
     */
    String bundle() {
        String incidentId = nextId("BINC");
        String nhs = nhsNumber();
        String[] district = DISTRICTS[random.nextInt(DISTRICTS.length)];
        String p = "urn:uuid:" + Bench.newId(), e = "urn:uuid:" + Bench.newId(), s = "urn:uuid:" + Bench.newId(),
                t = "urn:uuid:" + Bench.newId();
        String now = now();
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + "{\"fullUrl\":\"" + p + "\",\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":"
                + "\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"" + nhs + "\"}],\"name\":[{\"family\":\""
                + FAMILY[random.nextInt(FAMILY.length)] + "\",\"given\":[\"" + GIVEN[random.nextInt(GIVEN.length)]
                + "\"]}],\"gender\":\"female\",\"birthDate\":\"1938-04-02\",\"address\":[{\"postalCode\":\"" + district[0]
                + " 1AB\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\",\"ifNoneExist\":"
                + "\"identifier=https://fhir.nhs.uk/Id/nhs-number|" + nhs + "\"}},"
                + "{\"fullUrl\":\"" + e + "\",\"resource\":{\"resourceType\":\"Encounter\",\"identifier\":[{\"system\":"
                + "\"https://rightcare-hub.org/Id/cad-incident\",\"value\":\"DEMO-CAD/" + incidentId + "\"}],"
                + "\"status\":\"in-progress\",\"class\":{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\","
                + "\"code\":\"EMER\"},\"subject\":{\"reference\":\"" + p + "\"}},\"request\":{\"method\":\"POST\","
                + "\"url\":\"Encounter\",\"ifNoneExist\":\"identifier=https://rightcare-hub.org/Id/cad-incident|DEMO-CAD/"
                + incidentId + "\"}},"
                + "{\"fullUrl\":\"" + s + "\",\"resource\":{\"resourceType\":\"ServiceRequest\",\"identifier\":[{\"system\":"
                + "\"https://rightcare-hub.org/Id/referral\",\"value\":\"" + incidentId + "\"}],\"status\":\"active\","
                + "\"intent\":\"order\",\"priority\":\"urgent\",\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\","
                + "\"code\":\"1912002\",\"display\":\"Fall\"}]},\"subject\":{\"reference\":\"" + p + "\"},"
                + "\"encounter\":{\"reference\":\"" + e + "\"},\"authoredOn\":\"" + now + "\"},"
                + "\"request\":{\"method\":\"POST\",\"url\":\"ServiceRequest\",\"ifNoneExist\":"
                + "\"identifier=https://rightcare-hub.org/Id/referral|" + incidentId + "\"}},"
                + "{\"fullUrl\":\"" + t + "\",\"resource\":{\"resourceType\":\"Task\",\"identifier\":[{\"system\":"
                + "\"https://rightcare-hub.org/Id/offer\",\"value\":\"" + incidentId + "-1\"}],\"status\":\"requested\","
                + "\"intent\":\"order\",\"focus\":{\"reference\":\"" + s + "\"},\"for\":{\"reference\":\"" + p + "\"},"
                + "\"authoredOn\":\"" + now + "\",\"owner\":{\"identifier\":{\"system\":"
                + "\"https://fhir.nhs.uk/Id/ods-organization-code\",\"value\":\"XWC\"}}},"
                + "\"request\":{\"method\":\"POST\",\"url\":\"Task\",\"ifNoneExist\":"
                + "\"identifier=https://rightcare-hub.org/Id/offer|" + incidentId + "-1\"}}]}";
    }
}
