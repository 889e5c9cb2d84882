package org.rightcare.hub.incidents;

import java.util.List;
import java.util.Map;

import org.rightcare.hub.support.ConfigProblem;
import org.rightcare.hub.support.InvalidConfigurationException;
import org.rightcare.hub.support.YamlBinding;
import org.rightcare.hub.support.YamlDocument;

/**
 * What a day of ambulance incidents looks like, for {@link IncidentGenerator}: how many arrive, when (hour of day, day
 * of week), of which category, complaint and triage code, at what age, NEWS2 and frailty, and where. Kept as a YAML
 * file (the demo's is {@code incidents/wealdshire-incidents.yaml}, which says where its numbers come from) so an ICB
 * can describe its own area without code. Weights need not add up to one: each list is drawn in proportion.
 *
 * @param incidentsPerDay the mean number of incidents a day, before the day-of-week weights
 * @param hourOfDay 24 weights, 00:00 first, on the Europe/London wall clock
 * @param dayOfWeek 7 multipliers of {@code incidentsPerDay}, Monday first
 * @param categories ARP category code to weight
 * @param dispatchStates CAD dispatch state (wire value) to weight
 * @param complaints the presenting complaints, each with its codes and the ages it comes at
 * @param news2 weights of NEWS2 totals 0, 1, 2 ... for C3-C5; C1 and C2 calls add {@code news2AmbulanceOnlyUplift}
 * @param frailty by age band: weights of Clinical Frailty Scale scores 1-9
 * @param places postcode districts with their share of the incidents
 * @param conveyedShare per category: the share of incidents an ambulance would convey to hospital, for the estimate
 *        of conveyances avoided (an accepted referral avoids that share of a conveyance)
 */
public record IncidentShape(int incidentsPerDay, List<Double> hourOfDay, List<Double> dayOfWeek,
        Map<String, Double> categories, Map<String, Double> dispatchStates, List<Complaint> complaints,
        List<Double> news2, int news2AmbulanceOnlyUplift, List<FrailtyBand> frailty, List<Place> places,
        Map<String, Double> conveyedShare) {

    /**
     * A presenting complaint: a SNOMED CT code the CAD sends, the AMPDS determinant or NHS Pathways symptom group
     * that comes with it (either may be null), and a normal distribution of age, clipped to 0-104.
     */
    public record Complaint(String snomed, String display, String ampds, String pathwaysSymptomGroup, double weight,
            double meanAge, double ageSpread) {
    }

    /** Patients from {@code fromAge} (to the next band) have these frailty score weights, score 1 first. */
    public record FrailtyBand(int fromAge, List<Double> weights) {
    }

    public record Place(String district, double weight) {
    }

    /** The demo ICB's shape, shipped with the hub. */
    public static final String WEALDSHIRE = "classpath:incidents/wealdshire-incidents.yaml";

    /**
     * @param location a path, or {@code classpath:} and a resource name
     * @throws InvalidConfigurationException when the file cannot be read, is not YAML, or is not a valid shape
     */
    public static IncidentShape load(String location) {
        YamlBinding.Bound<IncidentShape> bound = YamlBinding.load(location, IncidentShape.class, "an incident shape");
        YamlDocument document = bound.document();
        IncidentShape shape = bound.value();
        List<ConfigProblem> problems = new java.util.ArrayList<>();
        if (shape.hourOfDay() == null || shape.dayOfWeek() == null || shape.categories() == null
                || shape.dispatchStates() == null || shape.complaints() == null || shape.news2() == null
                || shape.frailty() == null || shape.places() == null || shape.conveyedShare() == null) {
            throw new InvalidConfigurationException(List.of(document.problem("", "an incident shape needs hourOfDay, "
                    + "dayOfWeek, categories, dispatchStates, complaints, news2, frailty, places and conveyedShare")));
        }
        if (shape.incidentsPerDay() < 0) {
            problems.add(document.problem("/incidentsPerDay", "must be 0 or more"));
        }
        if (shape.hourOfDay().size() != 24) {
            problems.add(document.problem("/hourOfDay", "needs 24 weights, 00:00 first"));
        }
        if (shape.dayOfWeek().size() != 7) {
            problems.add(document.problem("/dayOfWeek", "needs 7 multipliers, Monday first"));
        }
        for (int i = 0; i < shape.frailty().size(); i++) {
            if (shape.frailty().get(i).weights().size() != 9) {
                problems.add(document.problem("/frailty/" + i + "/weights", "needs 9 weights, score 1 first"));
            }
        }
        if (shape.complaints().isEmpty() || shape.places().isEmpty() || shape.categories().isEmpty()
                || shape.dispatchStates().isEmpty() || shape.news2().isEmpty() || shape.frailty().isEmpty()) {
            problems.add(document.problem("", "complaints, places, categories, dispatchStates, news2 and frailty"
                    + " each need at least one entry"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return shape;
    }
}
