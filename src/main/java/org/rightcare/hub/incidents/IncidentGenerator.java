package org.rightcare.hub.incidents;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.DispatchState;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.support.WallClock;

/**
 * Synthetic ambulance incidents in the shape an {@link IncidentShape} describes. Seeded: the same shape, days and
 * seed give the same incidents, byte for byte, on any machine. The what-if simulator replays them; the demo profile
 * posts them to the hub as its live traffic.
 */
public final class IncidentGenerator {

    /** The letters a postcode's inward code may end with. */
    private static final String INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ";
    private static final String SNOMED = "http://snomed.info/sct";

    private final IncidentShape shape;

    public IncidentGenerator(IncidentShape shape) {
        this.shape = shape;
    }

    /** Every incident of {@code days} days from the start of {@code firstDay} (Europe/London), in arrival order. */
    public List<ReplayableIncident> days(LocalDate firstDay, int days, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Instant> arrivals = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            LocalDate day = firstDay.plusDays(d);
            double expected = shape.incidentsPerDay() * shape.dayOfWeek().get(day.getDayOfWeek().getValue() - 1);
            int count = (int) Math.round(expected);
            for (int i = 0; i < count; i++) {
                int hour = pick(random, shape.hourOfDay());
                LocalTime time = LocalTime.of(hour, random.nextInt(60), random.nextInt(60));
                arrivals.add(day.atTime(time).atZone(WallClock.ZONE).toInstant());
            }
        }
        arrivals.sort(Comparator.naturalOrder());
        List<ReplayableIncident> incidents = new ArrayList<>(arrivals.size());
        for (int i = 0; i < arrivals.size(); i++) {
            String id = "SIM-" + LocalDate.ofInstant(arrivals.get(i), WallClock.ZONE).toString().replace("-", "") + "-"
                    + String.format("%05d", i + 1);
            incidents.add(incident(id, arrivals.get(i), random));
        }
        return incidents;
    }

    /** One incident arriving at {@code receivedAt}, drawn from the shape. */
    public ReplayableIncident incident(String incidentId, Instant receivedAt, SplittableRandom random) {
        ArpCategory category = ArpCategory.fromCode(pick(random, shape.categories())).orElseThrow(
                () -> new IllegalStateException("the incident shape names an unknown ARP category"));
        DispatchState state = DispatchState.fromWireValue(pick(random, shape.dispatchStates())).orElseThrow(
                () -> new IllegalStateException("the incident shape names an unknown dispatch state"));
        IncidentShape.Complaint complaint = shape.complaints().get(
                pick(random, shape.complaints().stream().map(IncidentShape.Complaint::weight).toList()));
        int age = (int) Math.max(0, Math.min(104, Math.round(complaint.meanAge() + gaussian(random) * complaint.ageSpread())));
        int news2 = pick(random, shape.news2()) + (category.isAmbulanceOnly() ? shape.news2AmbulanceOnlyUplift() : 0);
        int frailty = 1 + pick(random, frailtyWeights(age));
        String district = shape.places().get(
                pick(random, shape.places().stream().map(IncidentShape.Place::weight).toList())).district();
        String postcode = district + " " + random.nextInt(10) + INWARD_LETTERS.charAt(random.nextInt(INWARD_LETTERS.length()))
                + INWARD_LETTERS.charAt(random.nextInt(INWARD_LETTERS.length()));
        String gender = random.nextBoolean() ? "female" : "male";
        Incident.Triage triage = complaint.ampds() != null
                ? new Incident.Triage("ampds", null, null, null, complaint.ampds())
                : new Incident.Triage("pathways", null, complaint.pathwaysSymptomGroup(), null, null);
        Incident.Crew crew = state.isPreDispatch() ? null
                : new Incident.Crew("WX" + (100 + random.nextInt(900)), state == DispatchState.ON_SCENE ? receivedAt : null);
        Incident incident = new Incident(incidentId, receivedAt, category, state, "999", triage,
                new Incident.Coding(SNOMED, complaint.snomed(), complaint.display()),
                new Incident.Patient(null, "Synthetic", "Patient", null, age, gender, null, null),
                new Incident.IncidentLocation(postcode, null, null, "Generated incident"),
                new Incident.Clinical(Math.min(20, news2), frailty, List.of(), true, null), crew);
        return new ReplayableIncident(incident, shape.conveyedShare().getOrDefault(category.code(), 0.0));
    }

    private List<Double> frailtyWeights(int age) {
        List<Double> weights = shape.frailty().get(0).weights();
        for (IncidentShape.FrailtyBand band : shape.frailty()) {
            if (age >= band.fromAge()) {
                weights = band.weights();
            }
        }
        return weights;
    }

    /** A standard normal draw (Box-Muller), from the seeded source only. */
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** An index drawn in proportion to the weights. */
    static int pick(SplittableRandom random, List<Double> weights) {
        double total = weights.stream().mapToDouble(Double::doubleValue).sum();
        double x = random.nextDouble() * total;
        for (int i = 0; i < weights.size(); i++) {
            x -= weights.get(i);
            if (x < 0) {
                return i;
            }
        }
        return weights.size() - 1;
    }

    /** A key drawn in proportion to its weight; the map's own order (the file's) keeps draws reproducible. */
    private static String pick(SplittableRandom random, Map<String, Double> weights) {
        List<String> keys = List.copyOf(weights.keySet());
        return keys.get(pick(random, keys.stream().map(weights::get).toList()));
    }
}
