// septa: finite-strain mechanics of layered buttock soft tissue.
#include <core/input_error.h>
#include <core/parameters.h>
#include <core/solid.h>

#include <deal.II/base/mpi.h>

#include <iostream>

namespace
{
  const char *usage =
    "Usage: septa FILE.prm          run the scenario in FILE.prm\n"
    "       septa --print-parameters print every parameter with its default\n"
    "                                and documentation, in .prm form\n"
    "       septa --help             this text\n"
    "Under MPI: mpirun -np N septa FILE.prm\n";
} // namespace

int
main(int argc, char **argv)
{
  using namespace dealii;
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const bool root = Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) == 0;
  try
    {
      if (argc != 2)
        {
          if (root)
            std::cerr << "septa: expected one argument.\n" << usage;
          return 2;
        }
      const std::string arg = argv[1];
      if (arg == "--help" || arg == "-h")
        {
          if (root)
            std::cout << usage;
          return 0;
        }
      if (arg == "--print-parameters")
        {
          if (root)
            septa::RunParameters::print_parameters(std::cout);
          return 0;
        }
      if (!arg.empty() && arg[0] == '-')
        {
          if (root)
            std::cerr << "septa: unknown option '" << arg << "'.\n" << usage;
          return 2;
        }
      septa::RunParameters run;
      run.read(arg);
      septa::Solid solid(run, MPI_COMM_WORLD);
      solid.run();
    }
  catch (const septa::InputError &e)
    {
      if (root)
        std::cerr << "septa: input error: " << e.what() << std::endl;
      return 1;
    }
  catch (const septa::SolveError &e)
    {
      if (root)
        std::cerr << "septa: solve error: " << e.what() << std::endl;
      return 3;
    }
  catch (const std::exception &e)
    {
      if (root)
        std::cerr << "septa: error: " << e.what() << std::endl;
      return 4;
    }
  return 0;
}
