#pragma once

#include <postprocess/postprocessor.h>

#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace septa
{
  /**
   * statistics.csv and the PVTU/PVD series of a run.  The columns and fields
   * come from the postprocessors.  The PVD is written to a temporary file
   * and renamed, so it never names a step whose files are not complete; a
   * run resumed from a checkpoint continues both files from the
   * checkpoint's step.
   */
  class Output
  {
  public:
    Output(const Discretization &d,
           const RunParameters  &run,
           TimerOutput          &timer);

    void
    add(std::unique_ptr<Postprocessor> p)
    {
      postprocessors.push_back(std::move(p));
    }

    /// Create the output folder and write the header of statistics.csv.
    void
    start();

    /// Continue from a checkpoint: statistics.csv becomes the checkpoint's
    /// copy @p statistics_copy, the PVD its @p records.
    void
    resume(const std::string                                 &statistics_copy,
           const std::vector<std::pair<double, std::string>> &records,
           const unsigned int                                 counter);

    /// Tell the postprocessors that the mesh changed.
    void
    mesh_changed();

    /// One row of statistics.csv at the state of @p c, and the fields if
    /// @p fields.
    void
    write(const OutputContext &c, const bool fields);

    /// Last line of statistics.csv ('# completed at ...', '# stopped ...').
    void
    close(const std::string &line);

    std::string
    statistics_file() const
    {
      return run.output.directory + "/statistics.csv";
    }

    /// The PVD series so far (a checkpoint stores it).
    std::vector<std::pair<double, std::string>> records;
    /// Number of the next field output.
    unsigned int counter = 0;

  private:
    void
    open_statistics(const std::ios::openmode mode);
    void
    write_pvd() const;

    const Discretization                       &d;
    const RunParameters                        &run;
    TimerOutput                                &timer;
    std::vector<std::unique_ptr<Postprocessor>> postprocessors;
    std::ofstream                               statistics;
    /// SEPTA_KILL_DURING_OUTPUT (tests): die during this field output.
    unsigned int kill_at = 0, fields_written = 0;
  };
} // namespace septa
