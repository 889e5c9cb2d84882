package org.rightcare.hub.whatif;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The what-if simulator behind {@code /admin/what-if}. */
@ConfigMapping(prefix = "hub.what-if")
public interface WhatIfConfig {

    /**
     * The scenario: directory, policy, incident shape, provider model and named variants. A path, or
     * {@code classpath:...}; the default is the demo ICB's. Point it at your ICB's own scenario file.
     */
    @WithDefault(WhatIfScenario.WEALDSHIRE)
    String scenarioFile();

    /** The most days one run may replay, so one request cannot keep a worker busy for long. */
    @WithDefault("31")
    int maxDays();

    /** The most variants one run may compare with the baseline. */
    @WithDefault("6")
    int maxVariants();
}
