package io.herald.dispatcher.admin;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The admin API's guard and job runner; says at startup whether the API is enabled. */
@Configuration(proxyBeanMethods = false)
class AdminConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AdminConfiguration.class);

    @Bean
    FilterRegistrationBean<AdminTokenFilter> adminTokenFilter(AdminProperties admin) {
        if (admin.enabled()) {
            log.info("admin API enabled path=/admin/** auth=bearer-token");
        } else {
            log.info("admin API disabled: set herald.dispatcher.admin.token to enable it (requests to /admin/** get 503)");
        }
        FilterRegistrationBean<AdminTokenFilter> registration = new FilterRegistrationBean<>(
                new AdminTokenFilter(admin.token(), JsonMapper.builder().build()));
        registration.addUrlPatterns("/admin", "/admin/*");
        return registration;
    }

    @Bean(destroyMethod = "close")
    AdminJobs adminJobs(AdminProperties admin) {
        return new AdminJobs(admin.jobsKept(), Clock.systemUTC());
    }
}
