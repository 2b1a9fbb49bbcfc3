function __pr-eval_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pr-eval_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __pr-eval_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pr-eval_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __pr-eval_parse_tokens -S
    set -l unparsed_tokens (__pr-eval_tokens -pc)
    switch $unparsed_tokens[1]
    case 'pr-eval'
        __pr-eval_parse_subcommand -r 1 'truth=' 'queries=' 'fold-queries=+' 'format=' 'per-user' 'o/output=' 'seed=' 'plot=' 'q/quiet' 'v/verbose' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __pr-eval_parse_subcommand -r 1 'version'
        end
    end
end

function __pr-eval_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __pr-eval_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __pr-eval_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __pr-eval_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__pr-eval_tokens -p)
    if test -z "$(__pr-eval_tokens -t)"
        set -l index (count (__pr-eval_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'pr-eval' -f
complete -c 'pr-eval' -n '__pr-eval_should_offer_completions_for_positional "pr-eval" -ge 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-eval' -n '__pr-eval_should_offer_completions_for_flags_or_options "pr-eval" truth' -l 'truth' -d 'The ground truth (interactions.jsonl or labelled conversations.jsonl).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-eval' -n '__pr-eval_should_offer_completions_for_flags_or_options "pr-eval" queries' -l 'queries' -d 'Evaluate only the baselines on these {"user","query_id"} lines instead of routes.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-eval' -n '__pr-eval_should_offer_completions_for_flags_or_options "pr-eval"' -l 'fold-queries' -d 'One fold\'s test {"user","query_id"} lines (pr-build-graph --fold K/N --export-queries test), repeated for every fold: single-best and the tables are fitted and routed fold by fold, on the queries outside each.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-eval' -n '__pr-eval_should_offer_completions_for_flags_or_options "pr-eval" format' -l 'format' -d 'Output format: json (one object), table (aligned, for people) or csv (a row per system, baseline and, with --per-user, user).' -rfka 'json table csv'
complete -c 'pr-eval' -n '__pr-eval_should_offer_completions_for_flags_or_options "pr-eval" per-user' -l 'per-user' -d 'With --format table or csv, add per-user rows for each route file.'
complete -c 'pr-eval' -n '__pr-eval_should_offer_completions_for_flags_or_options "pr-eval" o output' -l 'output' -s 'o' -d 'Write to this file (atomically) instead of standard output.' -rfka ''
complete -c 'pr-eval' -n '__pr-eval_should_offer_completions_for_flags_or_options "pr-eval" seed' -l 'seed' -d 'Seed for the random baseline.' -rfka ''
complete -c 'pr-eval' -n '__pr-eval_should_offer_completions_for_flags_or_options "pr-eval" plot' -l 'plot' -d 'Also draw the cost-quality plane and per-user bars into this SVG file (atomically).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'svg\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-eval' -n '__pr-eval_should_offer_completions_for_flags_or_options "pr-eval" q quiet' -l 'quiet' -s 'q' -d 'Print nothing on standard error but warnings and errors.'
complete -c 'pr-eval' -n '__pr-eval_should_offer_completions_for_flags_or_options "pr-eval" v verbose' -l 'verbose' -s 'v' -d 'Finish with the run\'s time and peak memory on standard error.'
complete -c 'pr-eval' -n '__pr-eval_should_offer_completions_for_flags_or_options "pr-eval" version' -l 'version' -d 'Show the version.'
complete -c 'pr-eval' -n '__pr-eval_should_offer_completions_for_flags_or_options "pr-eval" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pr-eval' -n '__pr-eval_should_offer_completions_for_positional "pr-eval" -eq 2' -fa 'help' -d 'Show subcommand help information.'
complete -c 'pr-eval' -n '__pr-eval_should_offer_completions_for_flags_or_options "pr-eval help" version' -l 'version' -d 'Show the version.'
