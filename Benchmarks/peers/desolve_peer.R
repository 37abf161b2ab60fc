# R deSolve peer: lsoda with an R right-hand side, per subject, split at the
# end of the infusion, output on the grid (rtol 1e-8, atol 1e-12).
#
# Usage: Rscript desolve_peer.R SUBJECTS.csv COUNT STEP_SECONDS RESULTS.csv
# Prints one JSON object (timings) on stdout, as the Python workers do.
suppressPackageStartupMessages(library(deSolve))

args <- commandArgs(trailingOnly = TRUE)
subjects <- read.csv(args[1])
count <- min(as.integer(args[2]), nrow(subjects))
step <- as.numeric(args[3])
results <- args[4]
subjects <- subjects[seq_len(count), ]

levels <- c(analgesia = 100, dissociation = 150, anesthesia = 1000, awakening = 640)
dt <- step / 60
steps <- round(24 * 60 / dt)
on <- round(40 / dt)
grid <- (0:steps) * dt

rhs <- function(t, x, p) {
  with(as.list(p), list(c(-(k10 + k12) * x[1] + k21 * x[2] + u, k12 * x[1] - k21 * x[2])))
}

run <- function() {
  peak <- numeric(count)
  above <- matrix(0, count, length(levels))
  for (i in seq_len(count)) {
    s <- subjects[i, ]
    p <- c(k10 = s$cl_l_per_min / s$v1_l, k12 = s$q_l_per_min / s$v1_l, k21 = s$q_l_per_min / s$v2_l,
           u = s$rate_mg_per_min)
    first <- lsoda(c(0, 0), grid[1:(on + 1)], rhs, p, rtol = 1e-8, atol = 1e-12)
    p["u"] <- 0
    second <- lsoda(first[on + 1, 2:3], grid[(on + 1):(steps + 1)], rhs, p, rtol = 1e-8, atol = 1e-12)
    cp <- c(first[, 2], second[-1, 2]) * 1000 / s$v1_l
    peak[i] <- max(cp)
    for (j in seq_along(levels)) above[i, j] <- sum(cp > levels[j]) * dt
  }
  list(peak = peak, above = above)
}

cpu0 <- proc.time()
out <- run()
cpu1 <- proc.time()
elapsed <- cpu1 - cpu0
table <- data.frame(id = seq_len(count) - 1, peak_ng_per_ml = out$peak)
for (j in seq_along(levels)) table[[paste0("min_above_", names(levels)[j])]] <- out$above[, j]
write.csv(table, results, row.names = FALSE, quote = FALSE)
cat(sprintf(paste0('{"cpu_seconds": %.6f, "wall_seconds": %.6f, "subjects": %d, "step_seconds": %g, ',
                   '"tool": "R %s deSolve %s", "peak_rss_mb": 0}\n'),
            elapsed[["user.self"]] + elapsed[["sys.self"]], elapsed[["elapsed"]], count, step,
            paste(R.version$major, R.version$minor, sep = "."), as.character(packageVersion("deSolve"))))
