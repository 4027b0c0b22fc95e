#pragma once

#include <core/load_curve.h>
#include <geometry/geometry.h>
#include <loads/load.h>
#include <materials/fibre_field.h>
#include <materials/material.h>
#include <materials/viscoelasticity.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>

#include <memory>
#include <string>
#include <vector>

namespace septa
{
  /// Finite element and formulation.
  struct DiscretizationParameters
  {
    unsigned int degree = 2;
    /// true: three-field (u, p~, J~) with p~, J~ condensed per cell;
    /// false: pure displacement.
    bool mixed = true;
    /// Quadrature points per direction (0: degree + 1).
    unsigned int quadrature = 0;
  };

  struct TimeParameters
  {
    double end_time      = 1.0;
    double initial_step  = 0.1;
    double minimum_step  = 1e-4;
    double growth_factor = 1.5;
    /// Largest step from each time on ('t0: dt0, t1: dt1, ...', held
    /// constant between knots; one number for the whole run).  Steps end
    /// on its knots, so a phase of a load history can get its own steps.
    LoadCurve maximum_step{std::vector<double>{0.0}, std::vector<double>{0.1}};
  };

  struct NewtonParameters
  {
    unsigned int max_iterations     = 15;
    double       residual_tolerance = 1e-8;
    double       absolute_tolerance = 1e-12;
    unsigned int max_line_search    = 5;
    /// Contact active set checked once |R| <= this * |f_int|.
    double active_set_tolerance = 1e-4;
    /// p~, J~ projected at each trial displacement instead of updated by
    /// their Newton increments.
    bool project_local_fields = false;
    /// Steps that converge within this many iterations let the step grow.
    unsigned int easy_iterations = 5;
    /// Print the residual of every iteration.
    bool verbose = false;
  };

  struct LinearSolverParameters
  {
    std::string  solver         = "cg";
    std::string  preconditioner = "gamg";
    double       tolerance      = 1e-8;
    unsigned int max_iterations = 2000;
    std::string  petsc_options;
    bool         reuse            = false;
    unsigned int reuse_iterations = 30;
    /// MUMPS Cholesky: count the negative eigenvalues of each tangent.
    bool count_negative_eigenvalues = false;
    /// 'auto' uses MUMPS up to this many unknowns.
    unsigned long long direct_limit = 200000;
  };

  struct OutputParameters
  {
    std::string                   directory = "output";
    unsigned int                  every     = 1;
    bool                          vtu       = true;
    std::vector<std::string>      probe_names;
    std::vector<dealii::Point<3>> probe_points;
    /// Boundaries whose normal displacement (mean, min, max) goes to
    /// statistics.csv, e.g. the skin surface.
    std::vector<std::string> surfaces;
    /// Boundary whose roughness (surface_roughness()) goes to
    /// statistics.csv; empty: none.
    std::string roughness_surface;
    double      roughness_cutoff = 0.02; ///< lambda_c (m)
    double      depression_depth = 2e-4; ///< m
    /// Compressive strain 1 - lambda_min beyond which tissue counts in
    /// volume_strained_<layer>.
    double strain_threshold = 0.5;
  };

  /// Periodic checkpoints ('Checkpoint').
  struct CheckpointParameters
  {
    unsigned int every_steps   = 0; ///< 0: off
    double       every_minutes = 0; ///< wall time; 0: off
    /// Folder of the checkpoints (default: <Output/Directory>/checkpoints).
    std::string directory;
  };

  /// Adaptive refinement between load steps ('Adaptive refinement').
  struct RefinementParameters
  {
    unsigned int             every            = 0; ///< 0: off
    bool                     kelly            = true;
    bool                     interfaces       = false;
    double                   refine_fraction  = 0.3;
    double                   coarsen_fraction = 0.0;
    unsigned int             max_level        = 2;
    std::vector<std::string> interface_layers; ///< empty: all
  };

  /**
   * Everything a run reads from its .prm file.  The file is read in passes so
   * that a subsection exists only for what the file asks for: the geometry
   * type decides the geometry's parameters and the layer names, each layer's
   * 'Model' its material parameters, each load's 'Type' its parameters.
   * The last pass is strict: an entry that is not declared is an error that
   * names the file, the line and the entry.
   */
  struct RunParameters
  {
    std::string                            filename;
    double                                 mesh_scale         = 1.0;
    unsigned int                           global_refinements = 0;
    std::unique_ptr<Geometry>              geometry;
    std::vector<std::string>               layer_names;
    std::vector<std::unique_ptr<Material>> materials;
    /// Per layer: Prony series of its viscoelasticity (empty: elastic).
    std::vector<PronySeries> viscoelasticity;
    /// Per layer: where its first fibre direction comes from.
    std::vector<FibreField>            fibre_fields;
    std::vector<std::string>           load_names;
    std::vector<std::unique_ptr<Load>> loads;
    DiscretizationParameters           discretization;
    TimeParameters                     time;
    NewtonParameters                   newton;
    LinearSolverParameters             linear_solver;
    OutputParameters                   output;
    CheckpointParameters               checkpoint;
    RefinementParameters               refinement;
    /// The parameters that define the model (all but the sections Time,
    /// Newton, Linear solver, Output, Checkpoint, Adaptive refinement), one
    /// per line: a checkpoint belongs to the model whose text it stores.
    std::string model;

    /// Read @p file; InputError on any problem.
    void
    read(const std::string &file);

    /// Print every parameter of a run with the default geometry, materials
    /// and loads, with documentation, in .prm form.
    static void
    print_parameters(std::ostream &out);

  private:
    static void
    declare(dealii::ParameterHandler &prm);
    /// The sections Checkpoint and Adaptive refinement
    /// (run_control_parameters.cc).
    static void
    declare_run_control(dealii::ParameterHandler &prm);
    void
    parse_run_control(dealii::ParameterHandler &prm);
    void
    record_model(const dealii::ParameterHandler &prm);
  };
} // namespace septa
