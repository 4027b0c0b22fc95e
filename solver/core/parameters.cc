#include <core/input_error.h>
#include <core/parameters.h>
#include <core/registry.h>

#include <deal.II/base/utilities.h>

#include <fstream>
#include <functional>
#include <limits>

namespace septa
{
  using namespace dealii;

  namespace
  {
    /// deal.II's exception texts start with a source location of the
    /// library; keep the part meant for the user.
    std::string
    user_part(const std::string &what)
    {
      const std::string key = "Additional information:";
      const auto        pos = what.find(key);
      std::string       s =
        pos == std::string::npos ? what : what.substr(pos + key.size());
      const auto end = s.find("Stacktrace:");
      if (end != std::string::npos)
        s = s.substr(0, end);
      // Fold the indentation deal.II puts in.
      std::string out;
      bool        space = false;
      for (const char c : s)
        {
          const bool ws = (c == ' ' || c == '\n' || c == '\t');
          if (ws && !out.empty())
            space = true;
          else if (!ws)
            {
              if (space)
                out += ' ';
              out += c;
              space = false;
            }
        }
      while (!out.empty() && (out.back() == '-' || out.back() == ' '))
        out.pop_back();
      return out;
    }

    Point<3>
    parse_point(const std::string &text, const std::string &where)
    {
      std::vector<double> v;
      try
        {
          v = Utilities::string_to_double(Utilities::split_string_list(text));
        }
      catch (...)
        {
        }
      require_input(v.size() == 3, where, text, "three numbers x, y, z in m");
      return Point<3>(v[0], v[1], v[2]);
    }
  } // namespace


  void
  RunParameters::declare(ParameterHandler &prm)
  {
    prm.enter_subsection("Geometry");
    prm.declare_entry("Type",
                      "layered block",
                      Patterns::Selection(Registry<Geometry>::names()),
                      Registry<Geometry>::documentation("geometry"));
    prm.declare_entry("Mesh scale",
                      "1",
                      Patterns::Double(0.0),
                      "Factor from mesh units to m (1e-3 for a mesh in mm). "
                      "Applies to coordinates and lengths in this section "
                      "only; everything else in the file is in SI units.");
    prm.declare_entry("Global refinements",
                      "0",
                      Patterns::Integer(0, 12),
                      "Uniform refinements of the coarse mesh (each one "
                      "multiplies the number of cells by 8).");
    prm.leave_subsection();

    prm.enter_subsection("Discretization");
    prm.declare_entry("Polynomial degree",
                      "2",
                      Patterns::Integer(1, 3),
                      "Degree k of the continuous displacement (Q_k); the "
                      "mixed formulation uses discontinuous P_{k-1} pressure "
                      "and dilatation.");
    prm.declare_entry("Formulation",
                      "mixed",
                      Patterns::Selection("mixed|displacement"),
                      "'mixed': three-field Hu-Washizu (u, p~, J~) with p~ "
                      "and J~ condensed per cell; locking-free for nearly "
                      "incompressible tissue. 'displacement': pure "
                      "displacement (locks when nearly incompressible).");
    prm.declare_entry("Quadrature points",
                      "0",
                      Patterns::Integer(0, 6),
                      "Gauss points per direction; 0 means degree + 1.");
    prm.leave_subsection();

    prm.enter_subsection("Time");
    prm.declare_entry("End time",
                      "1",
                      Patterns::Double(0.0),
                      "End of the (pseudo-)time interval in s; loads start at "
                      "t = 0.");
    prm.declare_entry("Initial step",
                      "0.1",
                      Patterns::Double(0.0),
                      "First step size in s.");
    prm.declare_entry("Minimum step",
                      "1e-4",
                      Patterns::Double(0.0),
                      "Cut-back stops the run below this step size.");
    prm.declare_entry("Maximum step",
                      "0.1",
                      Patterns::Anything(),
                      "Upper bound of the step size when it regrows: one "
                      "number, or a schedule 't0: dt0, t1: dt1, ...' (from "
                      "t0 on at most dt0, from t1 on at most dt1; steps end "
                      "on t1, t2, ...), e.g. small steps while a roller "
                      "moves and long ones while the tissue recovers.");
    prm.declare_entry("Growth factor",
                      "1.5",
                      Patterns::Double(1.0),
                      "Step size factor after an easy step (>= 1).");
    prm.leave_subsection();

    prm.enter_subsection("Newton");
    prm.declare_entry("Max iterations",
                      "15",
                      Patterns::Integer(1),
                      "Newton iterations per step before the step is cut.");
    prm.declare_entry("Residual tolerance",
                      "1e-8",
                      Patterns::Double(0.0),
                      "Converged when |R| <= tol * |f_int| + absolute "
                      "tolerance (free dofs, all dofs for f_int).");
    prm.declare_entry("Absolute tolerance",
                      "1e-12",
                      Patterns::Double(0.0),
                      "Absolute residual tolerance in N.");
    // An active set is usually settled long before the residual reaches
    // the tolerance: checking it from 1e-4 |f_int| on saves the last two or
    // three quadratic iterations of every solve it would redo anyway.
    prm.declare_entry("Active-set tolerance",
                      "1e-4",
                      Patterns::Double(0.0),
                      "Contact active set updated as soon as |R| <= tol * "
                      "|f_int| (0: only at convergence); multipliers only "
                      "at convergence.");
    // linearised: p~ and J~ are Newton unknowns of their own (step-44),
    // robust for any bulk modulus.  projected: they solve their cell
    // equations exactly at each trial displacement, so that the line search
    // sees a residual of u alone; measured: a roller lifted off skin with
    // friction, where the linearised update cycled at every step size down
    // to 1 ms, goes in 50 ms steps; but step-44's block at nu = 0.4999
    // needs steps 30 times smaller (the exact J~ turns the second-order
    // error of J into pressures of order kappa).
    prm.declare_entry("Local fields",
                      "linearised",
                      Patterns::Selection("linearised|projected"),
                      "Update of the cell pressure and dilatation p~, J~ of "
                      "the mixed formulation: linearised (Newton "
                      "increments; any bulk modulus) or projected (exact "
                      "cell solution at each trial displacement; a line "
                      "search on the displacement residual alone: contact "
                      "with friction at bulk moduli up to ~500 mu).");
    prm.declare_entry("Line search steps",
                      "5",
                      Patterns::Integer(0, 20),
                      "Maximum backtracking halvings of a Newton update.");
    prm.declare_entry("Easy iterations",
                      "5",
                      Patterns::Integer(1),
                      "A step converged within this many iterations lets the "
                      "next step grow.");
    prm.declare_entry("Verbose",
                      "false",
                      Patterns::Bool(),
                      "Print the residual norm of every Newton iteration.");
    prm.leave_subsection();

    prm.enter_subsection("Linear solver");
    prm.declare_entry("Solver",
                      "auto",
                      Patterns::Selection("auto|cg|gmres|direct"),
                      "'cg' (symmetric tangent), 'gmres', 'direct' (MUMPS "
                      "Cholesky, LU if the tangent is non-symmetric), or "
                      "'auto': direct up to 'Direct solver limit' unknowns, "
                      "above it cg (gmres if a follower load makes the "
                      "tangent non-symmetric) with the preconditioner below.");
    prm.declare_entry("Direct solver limit",
                      "200000",
                      Patterns::Integer(0),
                      "Largest number of unknowns that 'auto' solves with "
                      "MUMPS.  Nearly incompressible tangents are hard for "
                      "AMG; a factorisation is then faster while its memory "
                      "(about 1.9 GB at 1e5 Q2 unknowns, growing like "
                      "n^(4/3)) fits.  An iterative solve that fails, also "
                      "as GMRES with a fresh preconditioner, is retried "
                      "with MUMPS up to twice this size; above it the "
                      "Newton step is cut instead.");
    prm.declare_entry("Preconditioner",
                      "gamg",
                      Patterns::Selection("gamg|boomeramg|jacobi"),
                      "'gamg' (PETSc smoothed aggregation with the six "
                      "rigid-body modes as near null space), 'boomeramg' "
                      "(hypre), 'jacobi'. Ignored by 'direct'.");
    prm.declare_entry("Tolerance",
                      "1e-8",
                      Patterns::Double(0.0),
                      "Relative residual reduction of each Krylov solve.");
    prm.declare_entry("Max iterations",
                      "2000",
                      Patterns::Integer(1),
                      "Krylov iterations before the solve counts as failed "
                      "(the GMRES retry of a failed CG solve: at most 5x "
                      "the iterations of the last fresh CG solve, at least "
                      "200).");
    prm.declare_entry("Reuse preconditioner",
                      "false",
                      Patterns::Bool(),
                      "Keep the factorisation (direct) or AMG hierarchy of an "
                      "earlier tangent as preconditioner while solves stay "
                      "cheap; 'direct' then runs CG/GMRES preconditioned by "
                      "the MUMPS factors. Pays off when the tangent changes "
                      "little between Newton iterations (compressible, "
                      "moderate strains); at nu -> 0.5 it costs more "
                      "Krylov iterations than it saves.");
    prm.declare_entry("Reuse iterations",
                      "30",
                      Patterns::Integer(1),
                      "Rebuild the reused preconditioner when a solve takes "
                      "more than this many iterations (and more than 1.5x "
                      "the count right after the last rebuild).");
    prm.declare_entry(
      "Count negative eigenvalues",
      "false",
      Patterns::Bool(),
      "With MUMPS (Solver = direct, or auto up to 'Direct solver limit') and "
      "a symmetric tangent: count its negative eigenvalues from the LDL^T "
      "factors (Sylvester's law of inertia) and write the count of the last "
      "Newton iteration of each step to statistics.csv "
      "(negative_eigenvalues; -1 where not counted).  A positive count at a "
      "converged step marks an unstable equilibrium: the structure has "
      "passed a buckling, wrinkling or creasing point and a perturbation "
      "would move it to another branch.  Sets MUMPS ICNTL(13) = 1 and "
      "ICNTL(24) = 1 (exact inertia in parallel, null-pivot detection).");
    prm.declare_entry("PETSc options",
                      "",
                      Patterns::Anything(),
                      "Extra PETSc options, e.g. '-pc_gamg_threshold 0.02'.");
    prm.leave_subsection();

    prm.enter_subsection("Output");
    prm.declare_entry("Directory",
                      "output",
                      Patterns::Anything(),
                      "Folder for the .pvd/.pvtu/.vtu files and "
                      "statistics.csv (created if missing).");
    prm.declare_entry("Every n steps",
                      "1",
                      Patterns::Integer(0),
                      "Write fields every n converged steps (0: only the "
                      "last step). The last step is always written.");
    prm.declare_entry("Write fields",
                      "true",
                      Patterns::Bool(),
                      "false: statistics.csv only.");
    prm.declare_entry("Probe points",
                      "",
                      Patterns::Anything(),
                      "Named points whose displacement goes to "
                      "statistics.csv, 'name: x, y, z; name: x, y, z' in m "
                      "(reference configuration).");
    prm.declare_entry("Surface statistics",
                      "",
                      Patterns::List(Patterns::Anything()),
                      "Named boundaries (e.g. top, the skin surface) whose "
                      "displacement along the reference outward normal goes "
                      "to statistics.csv as its area mean, minimum and "
                      "maximum (m).");
    prm.declare_entry("Roughness surface",
                      "",
                      Patterns::Anything(),
                      "Named boundary (e.g. skin) whose roughness goes to "
                      "statistics.csv every output step: its normal "
                      "displacement minus a Gaussian fit of it (ISO 16610-61, "
                      "'Roughness cutoff'), and from that residual Sa, Sq, "
                      "Sp, Sv, St (ISO 25178-2; St = Sp + Sv), the number and "
                      "area of the depressions deeper than 'Depression depth' "
                      "and the position of the deepest point; the field "
                      "'roughness' carries the residual.  Empty: off.");
    prm.declare_entry("Roughness cutoff",
                      "0.02",
                      Patterns::Double(0),
                      "lambda_c of the Gaussian fit (m): waves shorter than "
                      "it (dimples, 5-20 mm) stay in the residual, longer "
                      "ones (the body's shape, the bending under a load) go "
                      "to the fit; a wave of length L keeps a fraction 1 - "
                      "0.5^((lambda_c / L)^2) of its amplitude.");
    prm.declare_entry("Depression depth",
                      "2e-4",
                      Patterns::Double(0),
                      "A depression is a connected set of surface faces "
                      "whose mean residual is below minus this depth (m); "
                      "0.2 mm lies well above solver noise and below the "
                      "thigh's deepest pits, Sv = 2.7-8 mm (Smalls et al. "
                      "2005).");
    prm.declare_entry("Compressive strain threshold",
                      "0.5",
                      Patterns::Double(0, 1),
                      "Per layer, volume_strained_<layer> is the current "
                      "volume whose compressive strain 1 - lambda_min "
                      "(smallest principal stretch) exceeds this; 0.5 is "
                      "of the order of the strain-time cell-death threshold "
                      "of compressed muscle cells held for hours, the "
                      "deep-tissue-injury criterion (Gefen et al. 2008, J "
                      "Biomech 41:2003).");
    prm.leave_subsection();

    prm.enter_subsection("Loads");
    prm.declare_entry("Names",
                      "fixed bone, compression",
                      Patterns::List(Patterns::Anything()),
                      "Names of the loads and boundary conditions; each "
                      "needs a subsection of that name here with its 'Type'.");
    prm.leave_subsection();
    declare_run_control(prm);
  }


  namespace
  {
    /// Run the passes described in RunParameters; @p parse(strict) reads the
    /// input into @p prm (or does nothing, for the defaults).
    void
    build(RunParameters                   &run,
          ParameterHandler                &prm,
          const std::function<void(bool)> &parse,
          const std::string               &file)
    {
      const std::string f = file.empty() ? std::string("(defaults)") : file;
      // Pass 1: top level.
      parse(false);
      const std::string geometry_type = prm.get({"Geometry"}, "Type");
      run.geometry =
        Registry<Geometry>::create(geometry_type, f + ": Geometry/Type");
      prm.enter_subsection("Geometry");
      Registry<Geometry>::entries().at(geometry_type).declare_parameters(prm);
      prm.leave_subsection();
      run.load_names =
        Utilities::split_string_list(prm.get({"Loads"}, "Names"));
      for (unsigned int i = 0; i < run.load_names.size(); ++i)
        for (unsigned int j = 0; j < i; ++j)
          require_input(run.load_names[i] != run.load_names[j],
                        f + ": Loads/Names",
                        prm.get({"Loads"}, "Names"),
                        "distinct names");
      prm.enter_subsection("Loads");
      for (const auto &name : run.load_names)
        {
          prm.enter_subsection(name);
          prm.declare_entry("Type",
                            "displacement",
                            Patterns::Selection(Registry<Load>::names()),
                            Registry<Load>::documentation("load"));
          prm.leave_subsection();
        }
      prm.leave_subsection();

      // Pass 2: geometry parameters and load types.
      parse(false);
      prm.enter_subsection("Geometry");
      run.geometry->parse_parameters(prm, f + ": Geometry");
      run.mesh_scale         = prm.get_double("Mesh scale");
      run.global_refinements = prm.get_integer("Global refinements");
      require_input(run.mesh_scale > 0,
                    f + ": Geometry/Mesh scale",
                    prm.get("Mesh scale"),
                    "a positive factor");
      prm.leave_subsection();
      run.layer_names = run.geometry->layer_names();
      require_input(!run.layer_names.empty(),
                    f + ": Geometry",
                    geometry_type,
                    "a geometry with at least one layer");
      prm.enter_subsection("Materials");
      for (const auto &layer : run.layer_names)
        {
          prm.enter_subsection(layer);
          prm.declare_entry("Model",
                            "neo-Hookean",
                            Patterns::Selection(Registry<Material>::names()),
                            Registry<Material>::documentation("material"));
          prm.declare_entry("Density",
                            "1000",
                            Patterns::Double(0.0),
                            "Mass density in kg/m^3 (gravity).");
          prm.declare_entry("Fibre direction",
                            "1, 0, 0",
                            Patterns::List(Patterns::Double(), 3, 3),
                            "Reference direction of the (first) fibre family "
                            "of anisotropic models in this layer, x, y, z "
                            "(normalised; ignored by isotropic models).");
          prm.declare_entry("Second fibre direction",
                            "0, 1, 0",
                            Patterns::List(Patterns::Double(), 3, 3),
                            "Reference direction of the second fibre family "
                            "(models with two families, e.g. "
                            "Holzapfel-Gasser-Ogden).");
          PronySeries::declare_parameters(prm);
          FibreField::declare_parameters(prm);
          prm.leave_subsection();
        }
      prm.leave_subsection();
      std::vector<std::string> load_types;
      prm.enter_subsection("Loads");
      for (const auto &name : run.load_names)
        {
          prm.enter_subsection(name);
          load_types.push_back(prm.get("Type"));
          Registry<Load>::entries()
            .at(load_types.back())
            .declare_parameters(prm);
          prm.leave_subsection();
        }
      prm.leave_subsection();

      // Pass 3: material models.
      parse(false);
      std::vector<std::string> models;
      prm.enter_subsection("Materials");
      for (const auto &layer : run.layer_names)
        {
          prm.enter_subsection(layer);
          models.push_back(prm.get("Model"));
          Registry<Material>::entries()
            .at(models.back())
            .declare_parameters(prm);
          prm.leave_subsection();
        }
      prm.leave_subsection();

      // Pass 4: everything, strictly.
      parse(true);
      prm.enter_subsection("Materials");
      for (unsigned int l = 0; l < run.layer_names.size(); ++l)
        {
          prm.enter_subsection(run.layer_names[l]);
          const std::string where = f + ": Materials/" + run.layer_names[l];
          run.materials.push_back(
            Registry<Material>::create(models[l], where + "/Model"));
          run.materials.back()->parse_parameters(prm, where);
          run.materials.back()->set_density(prm.get_double("Density"));
          std::array<Tensor<1, 3>, 2> fibres;
          const char                 *entries[2] = {"Fibre direction",
                                                    "Second fibre direction"};
          for (unsigned int k = 0; k < 2; ++k)
            {
              const auto v = Utilities::string_to_double(
                Utilities::split_string_list(prm.get(entries[k])));
              fibres[k] = Tensor<1, 3>({v[0], v[1], v[2]});
              require_input(fibres[k].norm() > 0,
                            where + "/" + entries[k],
                            prm.get(entries[k]),
                            "a non-zero vector x, y, z");
              fibres[k] /= fibres[k].norm();
            }
          run.materials.back()->set_fibres(fibres);
          run.viscoelasticity.emplace_back();
          run.viscoelasticity.back().parse_parameters(prm, where);
          run.fibre_fields.emplace_back();
          run.fibre_fields.back().parse_parameters(prm, where);
          prm.leave_subsection();
        }
      prm.leave_subsection();
      prm.enter_subsection("Loads");
      for (unsigned int i = 0; i < run.load_names.size(); ++i)
        {
          prm.enter_subsection(run.load_names[i]);
          const std::string where = f + ": Loads/" + run.load_names[i];
          run.loads.push_back(
            Registry<Load>::create(load_types[i], where + "/Type"));
          run.loads.back()->parse_parameters(prm, where);
          prm.leave_subsection();
        }
      prm.leave_subsection();

      auto &d      = run.discretization;
      d.degree     = prm.get_integer({"Discretization"}, "Polynomial degree");
      d.mixed      = prm.get({"Discretization"}, "Formulation") == "mixed";
      d.quadrature = prm.get_integer({"Discretization"}, "Quadrature points");
      if (d.quadrature == 0)
        d.quadrature = d.degree + 1;

      prm.enter_subsection("Time");
      auto &t        = run.time;
      t.end_time     = prm.get_double("End time");
      t.initial_step = prm.get_double("Initial step");
      t.minimum_step = prm.get_double("Minimum step");
      t.maximum_step =
        LoadCurve(prm.get("Maximum step"), f + ": Time/Maximum step");
      t.growth_factor = prm.get_double("Growth factor");
      for (double k = 0; k < std::numeric_limits<double>::infinity();
           k        = t.maximum_step.next_knot(k))
        require_input(t.maximum_step.held_value(k) > 0,
                      f + ": Time/Maximum step",
                      prm.get("Maximum step"),
                      "positive step sizes ('dt' or 't0: dt0, t1: dt1, ...')");
      require_input(t.end_time > 0,
                    f + ": Time/End time",
                    prm.get("End time"),
                    "a positive time");
      require_input(t.initial_step > 0 &&
                      t.initial_step <= t.maximum_step.held_value(0.0),
                    f + ": Time/Initial step",
                    prm.get("Initial step"),
                    "a positive step no larger than 'Maximum step'");
      require_input(t.minimum_step > 0 && t.minimum_step <= t.initial_step,
                    f + ": Time/Minimum step",
                    prm.get("Minimum step"),
                    "a positive step no larger than 'Initial step'");
      prm.leave_subsection();

      prm.enter_subsection("Newton");
      auto &n                = run.newton;
      n.max_iterations       = prm.get_integer("Max iterations");
      n.residual_tolerance   = prm.get_double("Residual tolerance");
      n.absolute_tolerance   = prm.get_double("Absolute tolerance");
      n.max_line_search      = prm.get_integer("Line search steps");
      n.active_set_tolerance = prm.get_double("Active-set tolerance");
      n.easy_iterations      = prm.get_integer("Easy iterations");
      n.project_local_fields = prm.get("Local fields") == "projected";
      n.verbose              = prm.get_bool("Verbose");
      prm.leave_subsection();

      prm.enter_subsection("Linear solver");
      auto &ls            = run.linear_solver;
      ls.solver           = prm.get("Solver");
      ls.preconditioner   = prm.get("Preconditioner");
      ls.tolerance        = prm.get_double("Tolerance");
      ls.max_iterations   = prm.get_integer("Max iterations");
      ls.petsc_options    = prm.get("PETSc options");
      ls.reuse            = prm.get_bool("Reuse preconditioner");
      ls.reuse_iterations = prm.get_integer("Reuse iterations");
      ls.count_negative_eigenvalues =
        prm.get_bool("Count negative eigenvalues");
      ls.direct_limit = prm.get_integer("Direct solver limit");
      prm.leave_subsection();

      prm.enter_subsection("Output");
      auto &o                  = run.output;
      o.directory              = prm.get("Directory");
      o.every                  = prm.get_integer("Every n steps");
      o.vtu                    = prm.get_bool("Write fields");
      const std::string probes = Utilities::trim(prm.get("Probe points"));
      if (!probes.empty())
        for (const auto &entry : Utilities::split_string_list(probes, ';'))
          {
            const auto colon = entry.find(':');
            require_input(colon != std::string::npos && colon > 0,
                          f + ": Output/Probe points",
                          entry,
                          "'name: x, y, z' entries separated by ';'");
            o.probe_names.push_back(Utilities::trim(entry.substr(0, colon)));
            o.probe_points.push_back(
              parse_point(entry.substr(colon + 1),
                          f + ": Output/Probe points/" + o.probe_names.back()));
          }
      for (const auto &name :
           Utilities::split_string_list(prm.get("Surface statistics")))
        o.surfaces.push_back(name);
      o.roughness_surface = Utilities::trim(prm.get("Roughness surface"));
      o.roughness_cutoff  = prm.get_double("Roughness cutoff");
      require_input(o.roughness_cutoff > 0,
                    f + ": Output/Roughness cutoff",
                    prm.get("Roughness cutoff"),
                    "a length > 0 in m");
      o.depression_depth = prm.get_double("Depression depth");
      o.strain_threshold = prm.get_double("Compressive strain threshold");
      prm.leave_subsection();
    }
  } // namespace


  void
  RunParameters::read(const std::string &file)
  {
    filename = file;
    {
      std::ifstream in(file);
      require_input(in.good(),
                    "command line: parameter file",
                    file,
                    "a readable .prm file");
    }
    ParameterHandler prm;
    declare(prm);
    try
      {
        build(
          *this,
          prm,
          [&](const bool strict) { prm.parse_input(file, "", !strict); },
          file);
        parse_run_control(prm);
        record_model(prm);
      }
    catch (const InputError &)
      {
        throw;
      }
    catch (const std::exception &e)
      {
        throw InputError(file + ": " + user_part(e.what()));
      }
  }


  void
  RunParameters::print_parameters(std::ostream &out)
  {
    RunParameters    run;
    ParameterHandler prm;
    declare(prm);
    build(
      run, prm, [](bool) {}, "");
    prm.print_parameters(out, ParameterHandler::PRM);
  }
} // namespace septa
